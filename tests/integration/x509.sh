# SPDX-License-Identifier: MIT
# shellcheck shell=bash
#
# Certificates for the integration scenarios and the fixture captures: a CA and end certificates
# made with openssl with dates of our choosing, a CRL, and their import into a pluto's NSS
# database. Source it after lib.sh (it uses lsx_die and lsx_pdir). Needs openssl and NSS's tools
# (certutil, pk12util, crlutil: Debian's libnss3-tools).
#
#   lsx_x509_ca DIR                     the CA "Lab CA" (C=XX, O=Example Lab), valid from
#                                       1970-01-01 00:00:00 to 2049-12-31 23:59:59 (UTCTime's last)
#   lsx_x509_cert DIR NAME SUBJECT START END SAN
#                                       NAME.pem, NAME.key and NAME.p12 (password "lab") signed by
#                                       it; START and END as openssl takes them (20280229123456Z)
#   lsx_x509_crl DIR [NAME...]          crl.pem and crl.der revoking those certificates, next
#                                       update in 30 days
#   lsx_x509_epoch DIR NAME startdate|enddate
#                                       openssl's date of a certificate, in Unix seconds
#   lsx_x509_crl_epoch DIR lastupdate|nextupdate
#   lsx_nss PLUTO CMD ARGS...           an NSS tool on pluto PLUTO's database (CMD ... -d sql:DIR)

lsx_x509_ossl() {
	local dir=$1; shift
	(cd "$dir" && openssl "$@") > /dev/null 2>&1 || lsx_die "openssl $1 failed"
}

lsx_x509_ca() {
	local dir=$1
	mkdir -p "$dir/new"
	cat > "$dir/ca.cnf" <<'EOF'
[ ca ]
default_ca = lab
[ lab ]
dir = .
database = ./index.txt
new_certs_dir = ./new
serial = ./serial
crlnumber = ./crlnumber
default_md = sha256
policy = anything
unique_subject = no
default_crl_days = 30
[ anything ]
countryName = optional
organizationName = optional
organizationalUnitName = optional
commonName = supplied
[ v3_ca ]
basicConstraints = critical, CA:true
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[ v3_end ]
basicConstraints = CA:false
keyUsage = digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth, clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = $ENV::SAN
EOF
	: > "$dir/index.txt"
	echo 1000 > "$dir/serial"
	echo 01 > "$dir/crlnumber"
	SAN=DNS:unused.example lsx_x509_ossl "$dir" req -new -newkey rsa:2048 -nodes -keyout ca.key \
		-subj "/C=XX/O=Example Lab/CN=Lab CA" -out ca.csr
	SAN=DNS:unused.example lsx_x509_ossl "$dir" ca -batch -config ca.cnf -selfsign -keyfile ca.key -in ca.csr \
		-out ca.pem -extensions v3_ca -startdate 700101000000Z -enddate 491231235959Z -notext
}

lsx_x509_cert() {
	local dir=$1 name=$2 subj=$3 start=$4 end=$5 san=$6
	SAN=$san lsx_x509_ossl "$dir" req -new -newkey rsa:2048 -nodes -keyout "$name.key" -subj "$subj" \
		-out "$name.csr"
	SAN=$san lsx_x509_ossl "$dir" ca -batch -config ca.cnf -cert ca.pem -keyfile ca.key -in "$name.csr" \
		-out "$name.pem" -extensions v3_end -startdate "$start" -enddate "$end" -notext
	SAN=$san lsx_x509_ossl "$dir" pkcs12 -export -in "$name.pem" -inkey "$name.key" -name "$name" \
		-out "$name.p12" -passout pass:lab
}

lsx_x509_crl() {
	local dir=$1 n; shift
	for n in "$@"; do
		SAN=DNS:unused.example lsx_x509_ossl "$dir" ca -batch -config ca.cnf -cert ca.pem -keyfile ca.key \
			-revoke "$n.pem"
	done
	SAN=DNS:unused.example lsx_x509_ossl "$dir" ca -batch -config ca.cnf -cert ca.pem -keyfile ca.key \
		-gencrl -out crl.pem
	lsx_x509_ossl "$dir" crl -in crl.pem -outform DER -out crl.der
}

lsx_x509_epoch() {
	date -u -d "$(openssl x509 -in "$1/$2.pem" -noout "-$3" | cut -d= -f2)" +%s
}

lsx_x509_crl_epoch() {
	date -u -d "$(openssl crl -in "$1/crl.pem" -noout "-$2" | cut -d= -f2)" +%s
}

lsx_nss() {
	local p=$1 cmd=$2; shift 2
	"$cmd" -d "sql:$(lsx_pdir "$p")/nss" "$@" > /dev/null 2>&1 || lsx_die "$cmd $* on $p's NSS database failed"
}
