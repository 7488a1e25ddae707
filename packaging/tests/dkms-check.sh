#!/bin/sh
# A real `dkms add` + `dkms build` of memheap.ko against the unpacked
# host-architecture headers, in private DKMS trees (the system's
# /var/lib/dkms and /usr/src are never touched), signed with a key made
# for the check.  Then the built module is checked with modinfo: its
# kernel, its version against dkms.conf, and every parameter the sources
# declare listed with a description.
#
# Usage: dkms-check.sh SOURCETREE WORKDIR HEADERS_DIR VERSION PARAM...
#   SOURCETREE   holds memheap-VERSION/ (make install-dkms DESTDIR=...)
#   HEADERS_DIR  scripts/fetch-host-headers.sh output (abi, kdir, root/)
set -u
here=$(cd "$(dirname "$0")" && pwd)
srctree=$1 work=$2 headers=$3 version=$4
shift 4
abi=$(cat "$headers/abi")
kdir=$(cd "$headers/kdir" && pwd -P)
arch=$(uname -m)
tree=$work/tree
fail=0
ok() { echo "PASS dkms: $1"; }
ko() { echo "FAIL dkms: $1"; fail=1; }

rm -rf "$tree"
mkdir -p "$tree"
# Signing as on a Secure Boot board, with a key of our own and the
# sign-file of the unpacked kbuild (DKMS reads these from the environment
# when /etc/dkms/framework.conf leaves them unset).
sign_file=$(find "$headers/root/usr/lib" -path '*/scripts/sign-file' | head -n1)
mok_signing_key=$work/mok.key
mok_certificate=$work/mok.der
export sign_file mok_signing_key mok_certificate

log=$work/dkms.log
: >"$log"
dkms_run() {
	echo "+ dkms $*" >>"$log"
	dkms "$@" -m memheap -v "$version" --dkmstree "$tree" \
		--sourcetree "$srctree" >>"$log" 2>&1
}
if dkms_run add; then ok "add memheap/$version"; else ko "dkms add (see $log)"; fi
if dkms_run build -k "$abi" --kernelsourcedir "$kdir"; then
	ok "build for $abi ($arch)"
else
	ko "dkms build (see $log)"
	cat "$log"
	find "$tree" -name make.log -exec cat {} + 2>/dev/null
	exit 1
fi
status=$(dkms status -m memheap -v "$version" --dkmstree "$tree" 2>&1)
case $status in
"memheap/$version, $abi, $arch: built") ok "status: $status" ;;
*) ko "status: '$status'" ;;
esac

ko_file=$tree/memheap/$version/$abi/$arch/module/memheap.ko
if [ -f "$ko_file" ]; then ok "built $ko_file"; else ko "no $ko_file"; exit 1; fi
info() { modinfo -F "$1" "$ko_file"; }
vermagic=$(info vermagic)
case $vermagic in
"$abi "*) ok "vermagic $abi" ;;
*) ko "vermagic '$vermagic' is not for $abi" ;;
esac
got=$(info version)
if [ "$got" = "$version" ]; then ok "MODULE_VERSION $got = dkms.conf PACKAGE_VERSION"
else ko "MODULE_VERSION '$got' != dkms.conf PACKAGE_VERSION '$version'"; fi
signer=$(info signer)
if [ "$signer" = "DKMS module signing key" ]; then ok "signed by '$signer'"
else ko "not signed with the check's key (signer '$signer')"; fi

if sh "$here/modinfo-params.sh" "$ko_file" "$@"; then
	ok "modinfo lists every parameter with a description ($*)"
else
	ko "modinfo parameters"
fi
# The parameter checker refuses what it must (so its PASS above means
# something): a missing parameter, one without description, an extra one.
good='a:first one (int)'
for case in "missing|$good|a b" "no description|a:(int)|a" \
	"extra|$good
z:undeclared (charp)|a"; do
	what=${case%%|*} rest=${case#*|}
	printf '%s\n' "${rest%|*}" >"$work/parm.txt"
	# shellcheck disable=SC2086
	if sh "$here/modinfo-params.sh" "$work/parm.txt" ${rest##*|} >/dev/null; then
		ko "parameter checker accepted: $what"
	else
		ok "parameter checker refuses: $what"
	fi
done
if sh "$here/modinfo-params.sh" "$work/parm.txt" a z >/dev/null; then
	ok "parameter checker accepts a good list"
else
	ko "parameter checker refused a good list"
fi
exit $fail
