/* SPDX-License-Identifier: MIT */
#include "autoconfig.h"
