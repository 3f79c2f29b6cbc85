/* SPDX-License-Identifier: MIT */
#include "autoconfig.h"
int main(void)
{
	return 0;
}
