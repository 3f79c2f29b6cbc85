/* SPDX-License-Identifier: MIT */
/*
 * gen: write realistic `ipsec whack` outputs for N loaded connections, for the
 * benchmarks in bench/.
 *
 *   gen -n N -f FAMILY -o DIR [-s SEED] [-k KEYDIR]
 *
 * FAMILY is 3 (3.25 layout: "000 " prefix, STATE_PARENT_*, "; EVENT_X in Ns"
 * timers, "import:" suffix), 4 (4.9/4.10-4.15: "000 " prefix,
 * STATE_V2_ESTABLISHED_*, " newest;" items), 5.1 (no prefix, ESTABLISHED_IKE_SA
 * names, 5.x connection blocks) or 5.4 (no state names, routed count).
 *
 * Writes DIR/status.txt (whack --status), DIR/trafficstatus.txt,
 * DIR/globalstatus.txt and DIR/expect.txt (key=value: the counts the exporter
 * must report for these files).
 *
 * The N connection blocks (N = "Total IPsec connections: loaded N") are:
 *   - 10% road-warrior instances ("rw-001"[17] 192.0.2.18), 250 per template,
 *     each with an established IKE SA + Child SA (pluto is the responder),
 *     plus their templates ("rw-001", loaded, no SAs);
 *   - the rest static site-to-site connections ("site-000123"), drawn at
 *     random: 60% up (IKE SA + Child SA, 1 in 50 in a rekey overlap with an
 *     older Child SA still alive), 28% down (loaded, unrouted), 12% half-open
 *     (IKE_SA_INIT sent to a silent peer, with a pending Child SA).
 * Every established Child SA has a traffic detail line in status and a line in
 * trafficstatus. Blocks are written in pluto's order (name, then instance),
 * states by connection then serial. Only documentation addresses are used.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

enum fam { F3, F4, F51, F54 };
enum kind { K_UP, K_DOWN, K_HALF, K_TEMPLATE, K_INSTANCE };

struct conn {
	char name[24];
	int inst;          /* instance number, 0 for none */
	unsigned char kind;
	unsigned char overlap; /* an older Child SA still alive */
	unsigned char fqdn;    /* FQDN IDs instead of IP IDs */
	uint32_t idx;          /* site number or template number */
	uint32_t cserial;      /* $K */
	uint32_t tserial;      /* template's $K for instances */
	uint32_t ike, child, oldchild;
	uint64_t in, out, oldin, oldout;
	uint32_t spi[4];
};

static uint64_t rng_state;
static uint64_t rnd(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}
static unsigned rndr(unsigned lo, unsigned hi) { return lo + (unsigned)(rnd() % (hi - lo + 1)); }

static enum fam fam;
static const char *P; /* line prefix: "000 " or "" */
static FILE *out;

static void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("gen: ", stderr);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static void sep(void) { fputs(fam <= F4 ? "000  \n" : " \n", out); }

/* peer and local addresses of a connection */
static void peer_of(const struct conn *c, char *buf, size_t n)
{
	if (c->kind == K_INSTANCE)
		snprintf(buf, n, "192.0.2.%d", c->inst + 1);
	else
		snprintf(buf, n, "203.0.113.%u", c->idx % 254 + 1);
}
#define LOCAL "192.0.2.1"

/* "name" or "name"[N] (connection-list prefix) */
static void cref(const struct conn *c, char *buf, size_t n)
{
	if (c->inst)
		snprintf(buf, n, "\"%s\"[%d]", c->name, c->inst);
	else
		snprintf(buf, n, "\"%s\"", c->name);
}

/* state-line reference: adds " peer" for instances */
static void sref(const struct conn *c, char *buf, size_t n)
{
	if (c->inst)
		snprintf(buf, n, "\"%s\"[%d] 192.0.2.%d", c->name, c->inst, c->inst + 1);
	else
		snprintf(buf, n, "\"%s\"", c->name);
}

static const char *algos_esp[] = {
	"algorithm ESP encrypt: name=3DES_CBC, keysizemin=192, keysizemax=192",
	"algorithm ESP encrypt: name=AES_CBC, keysizemin=128, keysizemax=256",
	"algorithm ESP encrypt: name=AES_CCM_12, keysizemin=128, keysizemax=256",
	"algorithm ESP encrypt: name=AES_CCM_16, keysizemin=128, keysizemax=256",
	"algorithm ESP encrypt: name=AES_CCM_8, keysizemin=128, keysizemax=256",
	"algorithm ESP encrypt: name=AES_CTR, keysizemin=128, keysizemax=256",
	"algorithm ESP encrypt: name=AES_GCM_12, keysizemin=128, keysizemax=256",
	"algorithm ESP encrypt: name=AES_GCM_16, keysizemin=128, keysizemax=256",
	"algorithm ESP encrypt: name=AES_GCM_8, keysizemin=128, keysizemax=256",
	"algorithm ESP encrypt: name=CAMELLIA_CBC, keysizemin=128, keysizemax=256",
	"algorithm ESP encrypt: name=CHACHA20_POLY1305, keysizemin=256, keysizemax=256",
	"algorithm ESP encrypt: name=NULL, keysizemin=0, keysizemax=0",
	"algorithm ESP encrypt: name=NULL_AUTH_AES_GMAC, keysizemin=128, keysizemax=256",
	"algorithm AH/ESP auth: name=AES_CMAC_96, key-length=128",
	"algorithm AH/ESP auth: name=AES_XCBC_96, key-length=128",
	"algorithm AH/ESP auth: name=HMAC_MD5_96, key-length=128",
	"algorithm AH/ESP auth: name=HMAC_SHA1_96, key-length=160",
	"algorithm AH/ESP auth: name=HMAC_SHA2_256_128, key-length=256",
	"algorithm AH/ESP auth: name=HMAC_SHA2_384_192, key-length=384",
	"algorithm AH/ESP auth: name=HMAC_SHA2_512_256, key-length=512",
	"algorithm AH/ESP auth: name=NONE, key-length=0",
	NULL,
};
static const char *algos_ike[] = {
	"algorithm IKE encrypt: v1id=5, v1name=OAKLEY_3DES_CBC, v2id=3, v2name=3DES, blocksize=8, "
	"keydeflen=192",
	"algorithm IKE encrypt: v1id=8, v1name=OAKLEY_CAMELLIA_CBC, v2id=23, v2name=CAMELLIA_CBC, "
	"blocksize=16, keydeflen=128",
	"algorithm IKE encrypt: v1id=-1, v1name=n/a, v2id=20, v2name=AES_GCM_C, blocksize=16, "
	"keydeflen=128",
	"algorithm IKE encrypt: v1id=-1, v1name=n/a, v2id=19, v2name=AES_GCM_B, blocksize=16, "
	"keydeflen=128",
	"algorithm IKE encrypt: v1id=-1, v1name=n/a, v2id=18, v2name=AES_GCM_A, blocksize=16, "
	"keydeflen=128",
	"algorithm IKE encrypt: v1id=13, v1name=OAKLEY_AES_CTR, v2id=13, v2name=AES_CTR, "
	"blocksize=16, keydeflen=128",
	"algorithm IKE encrypt: v1id=7, v1name=OAKLEY_AES_CBC, v2id=12, v2name=AES_CBC, "
	"blocksize=16, keydeflen=128",
	"algorithm IKE encrypt: v1id=-1, v1name=n/a, v2id=28, v2name=CHACHA20_POLY1305, "
	"blocksize=16, keydeflen=256",
	"algorithm IKE PRF: name=HMAC_SHA1, hashlen=20",
	"algorithm IKE PRF: name=HMAC_SHA2_256, hashlen=32",
	"algorithm IKE PRF: name=HMAC_SHA2_384, hashlen=48",
	"algorithm IKE PRF: name=HMAC_SHA2_512, hashlen=64",
	"algorithm IKE PRF: name=AES_XCBC, hashlen=16",
	"algorithm IKE DH Key Exchange: name=MODP2048, bits=2048",
	"algorithm IKE DH Key Exchange: name=MODP3072, bits=3072",
	"algorithm IKE DH Key Exchange: name=MODP4096, bits=4096",
	"algorithm IKE DH Key Exchange: name=MODP8192, bits=8192",
	"algorithm IKE DH Key Exchange: name=DH19, bits=512",
	"algorithm IKE DH Key Exchange: name=DH20, bits=768",
	"algorithm IKE DH Key Exchange: name=DH21, bits=1056",
	"algorithm IKE DH Key Exchange: name=DH31, bits=256",
	NULL,
};

static void L(const char *s) { fprintf(out, "%s%s\n", P, s); }

static void header(void)
{
	const char **a;
	if (fam == F3) {
		L("using kernel interface: netkey");
		L("interface lo/lo 127.0.0.1@4500");
		L("interface lo/lo 127.0.0.1@500");
		L("interface eth0/eth0 192.0.2.1@4500");
		L("interface eth0/eth0 192.0.2.1@500");
		sep();
		sep();
	} else {
		L("using kernel interface: xfrm");
		sep();
		if (fam == F4) {
			L("interface lo UDP 127.0.0.1:4500");
			L("interface lo UDP 127.0.0.1:500");
			L("interface eth0 UDP 192.0.2.1:4500");
			L("interface eth0 UDP 192.0.2.1:500");
		} else {
			L("interface lo 127.0.0.1:UDP/4500 (NAT)");
			L("interface lo 127.0.0.1:UDP/500");
			L("interface eth0 192.0.2.1:UDP/4500 (NAT)");
			L("interface eth0 192.0.2.1:UDP/500");
		}
		sep();
	}
	L("fips mode=disabled;");
	L("SElinux=disabled");
	L("seccomp=disabled");
	sep();
	L("config setup options:");
	sep();
	L("configdir=/etc, configfile=/etc/ipsec.conf, secrets=/etc/ipsec.secrets, "
	  "ipsecdir=/etc/ipsec.d");
	if (fam <= F4) {
		L("nssdir=/var/lib/ipsec/nss, dumpdir=/run/pluto, statsbin=unset");
		L("dnssec-rootkey-file=/usr/share/dns/root.key, dnssec-trusted=<unset>");
	}
	L("sbindir=/usr/sbin, libexecdir=/usr/libexec/ipsec");
	switch (fam) {
	case F3:
		L("nhelpers=-1, uniqueids=yes, dnssec-enable=yes, perpeerlog=no, logappend=no, "
		  "logip=yes, shuntlifetime=900s, xfrmlifetime=300s");
		L("ddos-cookies-threshold=50000, ddos-max-halfopen=25000, ddos-mode=auto");
		L("ikeport=500, ikebuf=0, msg_errqueue=yes, strictcrlpolicy=no, "
		  "crlcheckinterval=0, listen=<any>, nflog-all=0");
		break;
	case F4:
		L("pluto_version=4.10, pluto_vendorid=OE-Libreswan-4.10, audit-log=yes");
		L("nhelpers=-1, uniqueids=yes, dnssec-enable=yes, logappend=yes, logip=yes, "
		  "shuntlifetime=900s, xfrmlifetime=30s");
		L("ddos-cookies-threshold=25000, ddos-max-halfopen=50000, ddos-mode=auto, "
		  "ikev1-policy=drop");
		L("ikebuf=0, msg_errqueue=yes, crl-strict=no, crlcheckinterval=0, listen=<any>, "
		  "nflog-all=0");
		break;
	case F51:
		L("pluto_version=5.1, pluto_vendorid=OE-Libreswan-5.1");
		L("nhelpers=-1, uniqueids=yes, dnssec-enable=yes, shuntlifetime=900s, "
		  "xfrmlifetime=30s");
		L("logfile='/var/log/pluto.log', logappend=yes, logip=yes, audit-log=yes");
		L("ddos-cookies-threshold=25000, ddos-max-halfopen=50000, ddos-mode=auto, "
		  "ikev1-policy=drop");
		L("ikebuf=0, msg_errqueue=yes, crl-strict=no, crlcheckinterval=0, listen=<any>, "
		  "nflog-all=0");
		break;
	case F54:
		L("pluto_version=5.4, pluto_vendorid=OE-Libreswan-5.4");
		L("nhelpers=-1, uniqueids=yes, shuntlifetime=900s, expire-lifetime=30s");
		L("logfile='/var/log/pluto.log', logappend=yes, logip=yes, audit-log=yes");
		L("ddos-cookies-threshold=25000, ddos-max-halfopen=50000, ddos-mode=auto, "
		  "ikev1-policy=drop");
		L("ikebuf=0, msg_errqueue=yes, crl-strict=no, crlcheckinterval=0, listen=<any>, "
		  "nflog-all=0, dns-resolver=file,");
		break;
	}
	L("ocsp-enable=no, ocsp-strict=no, ocsp-timeout=2, ocsp-uri=<unset>");
	L("ocsp-trust-name=<unset>");
	L("ocsp-cache-size=1000, ocsp-cache-min-age=3600, ocsp-cache-max-age=86400, "
	  "ocsp-method=get");
	if (fam != F3)
		L("global-redirect=no, global-redirect-to=<unset>");
	if (fam <= F4)
		L("secctx-attr-type=32001");
	L("debug:");
	sep();
	if (fam <= F4)
		L("nat-traversal=yes, keep-alive=20, nat-ikeport=4500");
	else
		L("nat-traversal: keep-alive=20, nat-ikeport=4500");
	if (fam != F54)
		L("virtual-private (%priv):");
	sep();
	L(fam == F3 ? "ESP algorithms supported:" : "Kernel algorithms supported:");
	sep();
	for (a = algos_esp; *a; a++)
		L(*a);
	sep();
	L("IKE algorithms supported:");
	sep();
	for (a = algos_ike; *a; a++)
		L(*a);
	sep();
	L("stats db_ops: {curr_cnt, total_cnt, maxsz} :context={0,0,0} trans={0,0,0} "
	  "attrs={0,0,0} ");
	sep();
	L("Connection list:");
	sep();
}

static int is_up(const struct conn *c) { return c->kind == K_UP || c->kind == K_INSTANCE; }

static void block(const struct conn *c)
{
	char r[64], peer[32], lid[64], rid[64], pol[160];
	int v5 = fam >= F51;
	const char *idt = fam == F54 ? "" : "ID_";
	cref(c, r, sizeof r);
	peer_of(c, peer, sizeof peer);

	/* topology line */
	if (c->kind == K_TEMPLATE) {
		if (fam == F3)
			fprintf(out,
				"%s%s: 0.0.0.0/0===" LOCAL "<" LOCAL
				">[@vpn.example.net,+MS+S=C]...%%any[%%any]; unrouted; eroute "
				"owner: #0\n",
				P, r);
		else if (fam == F4)
			fprintf(out,
				"%s%s: 0.0.0.0/0===" LOCAL
				"[@vpn.example.net,+MS+S=C]...%%any[%%any]; unrouted; "
				"eroute owner: #0\n",
				P, r);
		else
			fprintf(out,
				"%s: 0.0.0.0/0===" LOCAL
				"[@vpn.example.net,+MS+S=C]...%%any[%%any]; unrouted; my_ip=unset; "
				"their_ip=unset;\n",
				r);
	} else if (c->kind == K_INSTANCE) {
		if (fam == F3)
			fprintf(out,
				"%s%s: 0.0.0.0/0===" LOCAL "<" LOCAL
				">[@vpn.example.net,+MS+S=C]...%s<%s>[@client-%05u.example.net]==="
				"198.51.100.%d/32; erouted; eroute owner: #%u\n",
				P, r, peer, peer, c->idx * 1000 + c->inst, c->inst, c->child);
		else if (fam == F4)
			fprintf(out,
				"%s%s: 0.0.0.0/0===" LOCAL
				"[@vpn.example.net,+MS+S=C]...%s[@client-%05u.example.net]===198."
				"51.100.%d/32; erouted; eroute owner: #%u\n",
				P, r, peer, c->idx * 1000 + c->inst, c->inst, c->child);
		else
			fprintf(out,
				"%s: 0.0.0.0/0===" LOCAL
				"[@vpn.example.net,+MS+S=C]...%s[@client-%05u.example.net]===198."
				"51.100.%d/32; routed-tunnel; my_ip=unset; "
				"their_ip=198.51.100.%d;\n",
				r, peer, c->idx * 1000 + c->inst, c->inst, c->inst);
	} else {
		const char *routing;
		if (fam <= F4)
			routing = c->kind == K_UP ? "erouted" : "unrouted";
		else
			routing = c->kind == K_UP     ? "routed-tunnel"
				  : c->kind == K_HALF ? "unrouted-bare-negotiation"
						      : "unrouted";
		char idl[48] = "", idr[48] = "";
		if (c->fqdn) {
			snprintf(idl, sizeof idl, "[@hub.example.net]");
			snprintf(idr, sizeof idr, "[@site-%06u.example.net]", c->idx);
		}
		if (fam == F3)
			fprintf(out,
				"%s%s: 198.51.100.0/24===" LOCAL "<" LOCAL
				">%s...%s<%s>%s===203.0.113.%u/32; %s; eroute owner: #%u\n",
				P, r, idl, peer, peer, idr, c->idx % 256, routing,
				c->kind == K_UP ? c->child : 0);
		else if (fam == F4)
			fprintf(out,
				"%s%s: 198.51.100.0/24===" LOCAL
				"%s...%s%s===203.0.113.%u/32; %s; eroute owner: #%u\n",
				P, r, idl, peer, idr, c->idx % 256, routing,
				c->kind == K_UP ? c->child : 0);
		else
			fprintf(out,
				"%s: 198.51.100.0/24===" LOCAL
				"%s...%s%s===203.0.113.%u/32; %s; my_ip=unset; their_ip=unset;\n",
				r, idl, peer, idr, c->idx % 256, routing);
	}

	/* IDs */
	if (c->kind == K_TEMPLATE || c->kind == K_INSTANCE) {
		snprintf(lid, sizeof lid, "%sFQDN; our id=@vpn.example.net", idt);
		if (c->kind == K_TEMPLATE)
			snprintf(rid, sizeof rid, "%sNONE; their id=(none)", idt);
		else
			snprintf(rid, sizeof rid, "%sFQDN; their id=@client-%05u.example.net", idt,
				 c->idx * 1000 + c->inst);
	} else if (c->fqdn) {
		snprintf(lid, sizeof lid, "%sFQDN; our id=@hub.example.net", idt);
		snprintf(rid, sizeof rid, "%sFQDN; their id=@site-%06u.example.net", idt, c->idx);
	} else {
		snprintf(lid, sizeof lid, "%sIPV4_ADDR; our id=" LOCAL, idt);
		snprintf(rid, sizeof rid, "%sIPV4_ADDR; their id=%s", idt, peer);
	}
	int up_policy = c->kind == K_UP || c->kind == K_HALF;

	if (!v5) {
		char their[32] = "unset";
		if (c->kind == K_INSTANCE)
			snprintf(their, sizeof their, "198.51.100.%d", c->inst);
		fprintf(out,
			"%s%s:     oriented; my_ip=unset; their_ip=%s; my_updown=ipsec _updown;\n",
			P, r, their);
	}
	if (v5) {
		if (c->kind == K_UP || c->kind == K_INSTANCE)
			fprintf(out,
				"%s:   host: oriented; local: " LOCAL
				"; remote: %s; established IKE SA: #%u;\n",
				r, c->kind == K_TEMPLATE ? "%any" : peer, c->ike);
		else if (c->kind == K_HALF)
			fprintf(out,
				"%s:   host: oriented; local: " LOCAL
				"; remote: %s; negotiating IKE SA: #%u;\n",
				r, peer, c->ike);
		else
			fprintf(out, "%s:   host: oriented; local: " LOCAL "; remote: %s;\n", r,
				c->kind == K_TEMPLATE ? "%any" : peer);
		if (fam == F54) {
			fprintf(out,
				"%s:   my_updown=ipsec _updown; my_updown-config=noasync,noexec;\n",
				r);
		} else {
			fprintf(out, "%s:   my_updown=ipsec _updown;\n", r);
		}
	}
	fprintf(out,
		"%s%s:   xauth us:none, xauth them:none,%smy_username=[any]; "
		"their_username=[any]\n",
		P, r, fam == F54 ? " " : "  ");
	switch (fam) {
	case F3:
		fprintf(out, "%s%s:   our auth:secret, their auth:secret\n", P, r);
		break;
	case F4:
	case F51:
		fprintf(out,
			"%s%s:   our auth:secret, their auth:secret, our autheap:none, their "
			"autheap:none;\n",
			P, r);
		break;
	case F54:
		fprintf(out,
			"%s:   our auth:secret, their auth:secret, our autheap:none, their "
			"autheap:none, send-supported-auth-methods:no;\n",
			r);
		break;
	}
	{
		const char *mc = (c->kind == K_TEMPLATE || c->kind == K_INSTANCE)
					 ? "us:server, them:client"
					 : "us:none, them:none";
		fprintf(out,
			"%s%s:   modecfg info: %s, modecfg policy:push, dns:unset, domains:unset, "
			"%scat:unset;\n",
			P, r, mc, fam == F3 ? "banner:unset, " : "");
	}
	if (fam == F54)
		fprintf(out,
			"%s:   cisco-split: no; cisco-unity: no; cisco-peer: no; nm-configured: "
			"no;\n",
			r);
	if (fam == F3) {
		fprintf(out, "%s%s:   labeled_ipsec:no;\n", P, r);
		fprintf(out, "%s%s:   policy_label:unset;\n", P, r);
		fprintf(out,
			"%s%s:   ike_life: 3600s; ipsec_life: 28800s; replay_window: 32; "
			"rekey_margin: 540s; rekey_fuzz: 100%%; keyingtries: 0;\n",
			P, r);
		fprintf(out, "%s%s:   retransmit-interval: 500ms; retransmit-timeout: 60s;\n", P,
			r);
	} else {
		fprintf(out, "%s%s:   sec_label:unset;\n", P, r);
		if (fam == F4)
			fprintf(out,
				"%s%s:   ike_life: 28800s; ipsec_life: 28800s; ipsec_max_bytes: "
				"2^63B; ipsec_max_packets: 2^63; replay_window: 128; rekey_margin: "
				"540s; rekey_fuzz: 100%%; keyingtries: 0;\n",
				P, r);
		else if (fam == F51)
			fprintf(out,
				"%s:   ike_life: 28800s; ipsec_life: 28800s; ipsec_max_bytes: "
				"2^63B; ipsec_max_packets: 2^63; replay_window: 128; rekey_margin: "
				"540s; rekey_fuzz: 100%%;\n",
				r);
		else {
			fprintf(out,
				"%s:   ike_life: 28800s; ipsec_life: 28800s; ipsec_max_bytes: "
				"2^63B; ipsec_max_packets: 2^63; replay_window: 128; rekey_margin: "
				"540s; rekey_fuzz: 100%%; clones: no (unset);\n",
				r);
			fprintf(out,
				"%s:   iptfs: no; fragmentation: yes; packet-size: 0; "
				"max-queue-size: 0; drop-time: 0; init-delay: 0; reorder-window: "
				"0;\n",
				r);
		}
		fprintf(out,
			"%s%s:   retransmit-interval: 500ms; retransmit-timeout: 60s; iketcp:no; "
			"iketcp-port:4500;\n",
			P, r);
	}
	if (fam == F54)
		fprintf(out,
			"%s:   initial-contact:no; fake-strongswan:no; send-vendorid:no; "
			"send-no-esp-tfc:no;\n",
			r);
	else
		fprintf(out,
			"%s%s:   initial-contact:no; cisco-unity:no; fake-strongswan:no; "
			"send-vendorid:no; send-no-esp-tfc:no;\n",
			P, r);
	if (fam == F3)
		snprintf(pol, sizeof pol,
			 "PSK+ENCRYPT+TUNNEL+PFS%s+IKEV2_ALLOW+IKEV2_PROPOSE+SAREF_TRACK+IKE_FRAG_"
			 "ALLOW+ESN_NO",
			 up_policy ? "+UP" : "");
	else
		snprintf(pol, sizeof pol,
			 "IKEv2+PSK+ENCRYPT+TUNNEL+PFS%s+IKE_FRAG_ALLOW+ESN_NO+ESN_YES",
			 up_policy ? "+UP" : "");
	fprintf(out, "%s%s:   policy: %s;\n", P, r, pol);
	if (fam != F3)
		fprintf(out, "%s%s:   v2-auth-hash-policy: none;\n", P, r);
	fprintf(out,
		"%s%s:   conn_prio: %s; interface: eth0; metric: 0; mtu: unset; sa_prio:auto; "
		"sa_tfc:none;\n",
		P, r, fam == F54 ? "24,24,0" : "24,24");
	fprintf(out,
		"%s%s:   nflog-group: unset; mark: unset; vti-iface:unset; vti-routing:no; "
		"vti-shared:no; nic-offload:%s;\n",
		P, r, v5 ? "no" : "auto");
	fprintf(out, "%s%s:   our idtype: %s; their idtype: %s\n", P, r, lid, rid);
	if (fam == F54)
		fprintf(out, "%s:   sendca: all; our sendcert: always; their sendcert: always;\n",
			r);
	if (fam == F3) {
		fprintf(out,
			"%s%s:   dpd: action:hold; delay:0; timeout:0; nat-t: encaps:auto; "
			"nat_keepalive:yes; ikev1_natt:both\n",
			P, r);
		fprintf(out, "%s%s:   newest ISAKMP SA: #%u; newest IPsec SA: #%u;\n", P, r,
			is_up(c) ? c->ike : 0, is_up(c) ? c->child : 0);
	} else if (fam == F4) {
		fprintf(out,
			"%s%s:   liveness: passive; dpdaction:hold; dpddelay:0s; "
			"retransmit-timeout:60s\n",
			P, r);
		fprintf(out, "%s%s:   nat-traversal: encaps:auto; keepalive:20s\n", P, r);
		if (c->kind == K_INSTANCE)
			fprintf(out,
				"%s%s:   newest IKE SA: #%u; newest IPsec SA: #%u; conn serial: "
				"$%u, instantiated from: $%u;\n",
				P, r, c->ike, c->child, c->cserial, c->tserial);
		else
			fprintf(out,
				"%s%s:   newest IKE SA: #%u; newest IPsec SA: #%u; conn serial: "
				"$%u;\n",
				P, r, is_up(c) ? c->ike : 0, is_up(c) ? c->child : 0, c->cserial);
	} else {
		fprintf(out, "%s:   liveness: passive; dpddelay:0s; retransmit-timeout:60s\n", r);
		fprintf(out, "%s:   nat-traversal: encapsulation:auto; keepalive:20s\n", r);
		if (is_up(c))
			fprintf(out,
				"%s:   routing: routed-tunnel; owner: Child SA #%u; established "
				"IKE SA: #%u; established Child SA: #%u;\n",
				r, c->child, c->ike, c->child);
		else if (c->kind == K_HALF)
			fprintf(out,
				"%s:   routing: unrouted-bare-negotiation; owner: IKE SA #%u; "
				"negotiating IKE SA: #%u;\n",
				r, c->ike, c->ike);
		else
			fprintf(out, "%s:   routing: unrouted;\n", r);
		if (fam == F54)
			fprintf(out, "%s:   reqid: %u;\n", r, 16388 + 4 * c->cserial);
		if (c->kind == K_INSTANCE)
			fprintf(out, "%s:   conn serial: $%u, instantiated from: $%u;\n", r,
				c->cserial, c->tserial);
		else
			fprintf(out, "%s:   conn serial: $%u;\n", r, c->cserial);
	}
	if (is_up(c)) {
		fprintf(out, "%s%s:   IKEv2 algorithm newest: AES_GCM_16_256-HMAC_SHA2_512-%s\n", P,
			r, v5 ? "DH19" : "MODP2048");
		fprintf(out,
			"%s%s:   ESP algorithm newest: AES_GCM_16_256-NONE; pfsgroup=<Phase1>\n", P,
			r);
	}
}

static void humber(char *buf, size_t n, uint64_t v)
{
	if (v < 1024)
		snprintf(buf, n, "%" PRIu64 "B", v);
	else if (v < 1048576)
		snprintf(buf, n, "%" PRIu64 "KB", v / 1024);
	else
		snprintf(buf, n, "%" PRIu64 "MB", v / 1048576);
}

static const char *portsfx(const struct conn *c)
{
	return c->kind == K_INSTANCE ? ":4500" : ":500";
}

static void ike_state(const struct conn *c, const char *s)
{
	unsigned rekey = rndr(600, 27000), replace = rekey + rndr(600, 1200);
	int resp = c->kind == K_INSTANCE;
	switch (fam) {
	case F3:
		fprintf(out,
			"000 #%u: %s%s %s; EVENT_SA_REPLACE in %us; newest ISAKMP; idle; "
			"import:%s\n",
			c->ike, s, portsfx(c),
			resp ? "STATE_PARENT_R2 (received v2I2, PARENT SA established)"
			     : "STATE_PARENT_I3 (PARENT SA established)",
			replace, resp ? "respond to stranger" : "admin initiate");
		break;
	case F4:
		fprintf(out,
			"000 #%u: %s%s STATE_V2_ESTABLISHED_IKE_SA (established IKE SA); REKEY in "
			"%us; REPLACE in %us; newest; idle;\n",
			c->ike, s, portsfx(c), rekey, replace);
		break;
	case F51:
		fprintf(out,
			"#%u: %s%s ESTABLISHED_IKE_SA (established IKE SA); REKEY in %us; REPLACE "
			"in %us; newest; idle;\n",
			c->ike, s, portsfx(c), rekey, replace);
		break;
	case F54:
		fprintf(out,
			"#%u: %s%s established IKE SA; REKEY in %us; REPLACE in %us; newest; "
			"idle;\n",
			c->ike, s, portsfx(c), rekey, replace);
		break;
	}
}

static void child_state(const struct conn *c, const char *s, uint32_t serial, int newest)
{
	unsigned rekey = rndr(600, 27000), replace = rekey + rndr(600, 1200), expire = rndr(1, 30);
	int resp = c->kind == K_INSTANCE;
	switch (fam) {
	case F3:
		if (newest)
			fprintf(out,
				"000 #%u: %s%s %s; EVENT_SA_REPLACE in %us; newest IPSEC; eroute "
				"owner; isakmp#%u; idle; import:%s\n",
				serial, s, portsfx(c),
				resp ? "STATE_V2_IPSEC_R (IPsec SA established)"
				     : "STATE_V2_IPSEC_I (IPsec SA established)",
				replace, c->ike, resp ? "respond to stranger" : "admin initiate");
		else
			fprintf(out,
				"000 #%u: %s%s %s; EVENT_SA_EXPIRE in %us; isakmp#%u; idle; "
				"import:%s\n",
				serial, s, portsfx(c),
				resp ? "STATE_V2_IPSEC_R (IPsec SA established)"
				     : "STATE_V2_IPSEC_I (IPsec SA established)",
				expire, c->ike, resp ? "respond to stranger" : "admin initiate");
		return;
	case F4:
		fprintf(out, "000 #%u: %s%s STATE_V2_ESTABLISHED_CHILD_SA (established Child SA);",
			serial, s, portsfx(c));
		break;
	case F51:
		fprintf(out, "#%u: %s%s ESTABLISHED_CHILD_SA (established Child SA);", serial, s,
			portsfx(c));
		break;
	case F54:
		fprintf(out, "#%u: %s%s established Child SA;", serial, s, portsfx(c));
		break;
	}
	if (newest)
		fprintf(out,
			" REKEY in %us; REPLACE in %us; newest; eroute owner; IKE SA #%u; idle;\n",
			rekey, replace, c->ike);
	else
		fprintf(out, " EXPIRE in %us; IKE SA #%u; idle;\n", expire, c->ike);
}

static void traffic_detail(const struct conn *c, const char *s, uint32_t serial, uint64_t in,
			   uint64_t o, int k, int newest)
{
	char peer[32], hin[32], hout[32];
	peer_of(c, peer, sizeof peer);
	humber(hin, sizeof hin, in);
	humber(hout, sizeof hout, o);
	fprintf(out, "%s#%u: %s", P, serial, s);
	if (newest && o)
		fprintf(out, " used %us ago;", rndr(0, 20));
	fprintf(out, " esp.%08x@%s esp.%08x@" LOCAL " tun.0@%s tun.0@" LOCAL, c->spi[k], peer,
		c->spi[k + 1], peer);
	if (fam == F3)
		fprintf(out, " ref=0 refhim=0 Traffic: ESPin=%s ESPout=%s! ESPmax=0B \n", hin,
			hout);
	else
		fprintf(out, " Traffic: ESPin=%s ESPout=%s ESPmax=2^63B \n", hin, hout);
}

static void half_state(const struct conn *c, const char *s)
{
	unsigned rt = rndr(0, 30);
	switch (fam) {
	case F3:
		fprintf(out,
			"000 #%u: %s:500 STATE_PARENT_I1 (sent v2I1, expected v2R1); "
			"EVENT_v2_RETRANSMIT in %us; idle; import:admin initiate\n",
			c->ike, s, rt);
		fprintf(out, "000 #%u: pending CHILD SA for %s\n", c->ike, s);
		break;
	case F4:
		fprintf(out,
			"000 #%u: %s:500 STATE_V2_PARENT_I1 (sent IKE_SA_INIT request); RETRANSMIT "
			"in %us; idle;\n",
			c->ike, s, rt);
		fprintf(out, "000 #%u: pending CHILD SA for %s\n", c->ike, s);
		break;
	case F51:
		fprintf(out,
			"#%u: %s:500 IKE_SA_INIT_I (sent IKE_SA_INIT request); RETRANSMIT in %us; "
			"idle;\n",
			c->ike, s, rt);
		fprintf(out, "#%u: pending Child SA for %s\n", c->ike, s);
		break;
	case F54:
		fprintf(out, "#%u: %s:500 sent IKE_SA_INIT request; RETRANSMIT in %us; idle;\n",
			c->ike, s, rt);
		fprintf(out, "#%u: pending Child SA for %s\n", c->ike, s);
		break;
	}
}

static void traffic_line(FILE *f, const struct conn *c, uint32_t serial, uint64_t in, uint64_t o,
			 uint64_t now)
{
	char s[64], peer[32];
	sref(c, s, sizeof s);
	peer_of(c, peer, sizeof peer);
	fprintf(f,
		"%s#%u: %s, type=ESP, add_time=%" PRIu64 ", inBytes=%" PRIu64 ", outBytes=%" PRIu64,
		fam <= F4 ? "006 " : "", serial, s, now - rndr(0, 28000), in, o);
	if (fam != F3)
		fputs(", maxBytes=2^63B", f);
	if (c->kind == K_INSTANCE)
		fprintf(f, ", id='@client-%05u.example.net', lease=198.51.100.%d/32\n",
			c->idx * 1000 + c->inst, c->inst);
	else if (c->fqdn)
		fprintf(f, ", id='@site-%06u.example.net'\n", c->idx);
	else
		fprintf(f, ", id='%s'\n", peer);
}

static FILE *open_out(const char *dir, const char *name)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	if (!f)
		die("%s: %s", path, strerror(errno));
	setvbuf(f, NULL, _IOFBF, 1 << 20);
	return f;
}

static void close_out(FILE *f, const char *name)
{
	if (ferror(f) || fclose(f) != 0)
		die("writing %s failed", name);
}

static uint64_t bytes_for(void)
{
	/* mostly modest, some large; 3.x/4.x print inBytes as 32-bit */
	uint64_t v;
	switch (rnd() % 8) {
	case 0: v = 0; break;
	case 1: case 2: case 3: v = rnd() % 100000; break;
	case 4: case 5: v = rnd() % 100000000; break;
	default: v = rnd() % 100000000000ULL; break;
	}
	return v;
}

int main(int argc, char **argv)
{
	long n = 0;
	const char *dir = NULL, *keydir = NULL, *fs = "4";
	uint64_t seed = 1;
	int i;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (i + 1 >= argc)
			die("option %s needs a value", a);
		if (!strcmp(a, "-n"))
			n = strtol(argv[++i], NULL, 10);
		else if (!strcmp(a, "-f"))
			fs = argv[++i];
		else if (!strcmp(a, "-o"))
			dir = argv[++i];
		else if (!strcmp(a, "-s"))
			seed = strtoull(argv[++i], NULL, 10);
		else if (!strcmp(a, "-k"))
			keydir = argv[++i];
		else
			die("unknown option %s (usage: gen -n N -f 3|4|5.1|5.4 -o DIR [-s SEED] "
			    "[-k KEYDIR])",
			    a);
	}
	if (n < 0 || !dir)
		die("usage: gen -n N -f 3|4|5.1|5.4 -o DIR [-s SEED] [-k KEYDIR]");
	if (!strcmp(fs, "3"))
		fam = F3;
	else if (!strcmp(fs, "4"))
		fam = F4;
	else if (!strcmp(fs, "5.1"))
		fam = F51;
	else if (!strcmp(fs, "5.4"))
		fam = F54;
	else
		die("unknown family %s (3, 4, 5.1, 5.4)", fs);
	P = fam <= F4 ? "000 " : "";
	rng_state = seed * 0x2545F4914F6CDD1DULL + 12345;
	{ /* mkdir -p */
		char tmp[4096], *q;
		snprintf(tmp, sizeof tmp, "%s", dir);
		for (q = tmp + 1; *q; q++)
			if (*q == '/') {
				*q = 0;
				mkdir(tmp, 0777);
				*q = '/';
			}
		if (mkdir(tmp, 0777) != 0 && errno != EEXIST)
			die("%s: %s", dir, strerror(errno));
	}

	/* plan */
	long rw = n / 10, tmpl = (rw + 249) / 250;
	if (rw + tmpl > n) { rw = 0; tmpl = 0; }
	long statics = n - rw - tmpl;
	struct conn *cs = calloc((size_t)n + 1, sizeof *cs);
	if (!cs)
		die("out of memory");
	uint32_t ser = 1, cser = 1;
	long k = 0, j;
	long st_up = 0, st_down = 0, st_half = 0, overlaps = 0;
	for (j = 0; j < statics; j++, k++) {
		struct conn *c = &cs[k];
		c->idx = (uint32_t)j + 1;
		snprintf(c->name, sizeof c->name, "site-%06u", c->idx);
		unsigned r = (unsigned)(rnd() % 100);
		c->kind = r < 60 ? K_UP : r < 88 ? K_DOWN : K_HALF;
		c->fqdn = rnd() % 5 == 0;
		c->cserial = cser++;
	}
	for (j = 0; j < tmpl; j++) {
		struct conn *t = &cs[k++];
		t->idx = (uint32_t)j + 1;
		snprintf(t->name, sizeof t->name, "rw-%03u", t->idx);
		t->kind = K_TEMPLATE;
		t->cserial = cser++;
		long cnt = rw - j * 250 < 250 ? rw - j * 250 : 250, m;
		for (m = 1; m <= cnt; m++) {
			struct conn *c = &cs[k++];
			*c = *t;
			c->kind = K_INSTANCE;
			c->inst = (int)m;
			c->tserial = t->cserial;
			c->cserial = cser++;
		}
	}
	/* SA serials: increasing in creation order; traffic */
	uint64_t sum_in = 0, sum_out = 0;
	long ike_auth = 0, ike_half = 0, ipsec = 0, active = 0;
	for (k = 0; k < n; k++) {
		struct conn *c = &cs[k];
		int m;
		for (m = 0; m < 4; m++)
			c->spi[m] = (uint32_t)rnd();
		if (c->kind == K_UP || c->kind == K_INSTANCE) {
			c->ike = ser++;
			if (c->kind == K_UP && rnd() % 50 == 0) {
				c->overlap = 1;
				c->oldchild = ser++;
				c->oldin = bytes_for();
				c->oldout = bytes_for();
				overlaps++;
				ipsec++;
			}
			c->child = ser++;
			c->in = bytes_for();
			c->out = bytes_for();
			if (fam <= F4) { /* 32-bit inBytes up to 4.x; outBytes up to 4.7 */
				c->in &= 0xffffffffu;
				c->oldin &= 0xffffffffu;
				if (fam == F3) {
					c->out &= 0xffffffffu;
					c->oldout &= 0xffffffffu;
				}
			}
			ike_auth++;
			ipsec++;
			active++;
			if (c->kind == K_UP)
				st_up++;
			sum_in += c->in + c->oldin;
			sum_out += c->out + c->oldout;
		} else if (c->kind == K_HALF) {
			c->ike = ser++;
			ike_half++;
			st_half++;
		} else if (c->kind == K_DOWN)
			st_down++;
	}

	/* status */
	out = open_out(dir, "status.txt");
	header();
	for (k = 0; k < n; k++)
		block(&cs[k]);
	sep();
	if (fam == F54)
		fprintf(out, "Total IPsec connections: loaded %ld, routed %ld, active %ld\n", n,
			active, active);
	else
		fprintf(out, "%sTotal IPsec connections: loaded %ld, active %ld\n", P, n, active);
	sep();
	fprintf(out,
		"%sState Information: DDoS cookies not required, Accepting new IKE connections\n",
		P);
	fprintf(out,
		"%sIKE SAs: total(%ld), half-open(%ld), open(0), authenticated(%ld), "
		"anonymous(0)\n",
		P, ike_auth + ike_half, ike_half, ike_auth);
	fprintf(out, "%sIPsec SAs: total(%ld), authenticated(%ld), anonymous(0)\n", P, ipsec,
		ipsec);
	sep();
	for (k = 0; k < n; k++) {
		struct conn *c = &cs[k];
		char s[64];
		sref(c, s, sizeof s);
		if (is_up(c)) {
			ike_state(c, s);
			if (c->overlap) {
				child_state(c, s, c->oldchild, 0);
				traffic_detail(c, s, c->oldchild, c->oldin, c->oldout, 2, 0);
			}
			child_state(c, s, c->child, 1);
			traffic_detail(c, s, c->child, c->in, c->out, 0, 1);
		} else if (c->kind == K_HALF)
			half_state(c, s);
	}
	sep();
	fprintf(out, "%sBare Shunt list:\n", P);
	sep();
	close_out(out, "status.txt");

	/* trafficstatus */
	uint64_t now = (uint64_t)time(NULL);
	FILE *t = open_out(dir, "trafficstatus.txt");
	for (k = 0; k < n; k++) {
		struct conn *c = &cs[k];
		if (!is_up(c))
			continue;
		if (c->overlap)
			traffic_line(t, c, c->oldchild, c->oldin, c->oldout, now);
		traffic_line(t, c, c->child, c->in, c->out, now);
	}
	close_out(t, "trafficstatus.txt");

	/* globalstatus: the key list of the family, with values for this population */
	{
		char path[4096], line[512];
		snprintf(path, sizeof path, "%s/globalstatus-%s.keys",
			 keydir ? keydir : "bench/data",
			 fam == F3    ? "3"
			 : fam == F4  ? "4"
			 : fam == F51 ? "5.1"
				      : "5.4");
		FILE *kf = fopen(path, "r");
		if (!kf)
			die("%s: %s (pass -k KEYDIR)", path, strerror(errno));
		const char *ike_name = fam == F3   ? "STATE_PARENT_I3"
				       : fam == F4 ? "STATE_V2_ESTABLISHED_IKE_SA"
						   : "ESTABLISHED_IKE_SA";
		const char *child_name = fam == F3   ? "STATE_V2_IPSEC_I"
					 : fam == F4 ? "STATE_V2_ESTABLISHED_CHILD_SA"
						     : "ESTABLISHED_CHILD_SA";
		const char *half_name = fam == F3   ? "STATE_PARENT_I1"
					: fam == F4 ? "STATE_V2_PARENT_I1"
						    : "IKE_SA_INIT_I";
		long v1ike = 0, v1child = 0;
		if (fam == F3) { /* responders are counted under the R names */
			v1ike = rw;
			v1child = rw;
		}
		FILE *g = open_out(dir, "globalstatus.txt");
		while (fgets(line, sizeof line, kf)) {
			line[strcspn(line, "\n")] = 0;
			if (!*line)
				continue;
			uint64_t v = 0;
			const char *e = strncmp(line, "current.states.enumerate.", 25) == 0
						? line + 25
						: NULL;
			if (!strcmp(line, "config.setup.ike.ddos_threshold"))
				v = 25000;
			else if (!strcmp(line, "config.setup.ike.max_halfopen"))
				v = 50000;
			else if (!strcmp(line, "current.states.all"))
				v = (uint64_t)(ike_auth + ike_half + ipsec);
			else if (!strcmp(line, "current.states.ipsec"))
				v = (uint64_t)ipsec;
			else if (!strcmp(line, "current.states.ike"))
				v = (uint64_t)(ike_auth + ike_half);
			else if (!strcmp(line, "current.states.iketype.authenticated"))
				v = (uint64_t)ike_auth;
			else if (!strcmp(line, "current.states.iketype.halfopen"))
				v = (uint64_t)ike_half;
			else if (!strncmp(line, "current.", 8) && !e)
				v = 0;
			else if (e) {
				if (!strcmp(e, ike_name))
					v = (uint64_t)(ike_auth - v1ike);
				else if (!strcmp(e, "STATE_PARENT_R2"))
					v = (uint64_t)v1ike;
				else if (!strcmp(e, child_name))
					v = (uint64_t)(ipsec - v1child);
				else if (!strcmp(e, "STATE_V2_IPSEC_R"))
					v = (uint64_t)v1child;
				else if (!strcmp(e, half_name))
					v = (uint64_t)ike_half;
			} else if (strstr(line, "traffic"))
				v = rnd() % 1000000000000ULL;
			else if (rnd() % 3)
				v = rnd() % ((uint64_t)n * 10 + 10);
			fprintf(g, "%s=%" PRIu64 "\n", line, v);
		}
		fclose(kf);
		close_out(g, "globalstatus.txt");
	}

	/* what the exporter should report */
	{
		FILE *x = open_out(dir, "expect.txt");
		fprintf(x,
			"family=%s\nloaded=%ld\nactive=%ld\nstatic_up=%ld\nstatic_down=%ld\nstatic_"
			"half_open=%ld\n"
			"templates=%ld\ninstances=%ld\nrekey_overlaps=%ld\nike_sas_authenticated=%"
			"ld\nike_sas_half_open=%ld\n"
			"ipsec_sas=%ld\nin_bytes=%" PRIu64 "\nout_bytes=%" PRIu64 "\n",
			fs, n, active, st_up, st_down, st_half, tmpl, rw, overlaps, ike_auth,
			ike_half, ipsec, sum_in, sum_out);
		close_out(x, "expect.txt");
	}
	free(cs);
	return 0;
}
