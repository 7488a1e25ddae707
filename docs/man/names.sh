#!/bin/sh
# Print the names a man page's NAME section lists, one per line (what
# `make install-man` makes link pages for).
# Usage: names.sh PAGE
sed -n '/^\.SH NAME/,/^\.SH/p' "$1" | sed '1d;$d' | tr '\n' ' ' |
	sed 's/\\-.*//; s/\\//g; s/,/ /g' | tr -s ' ' '\n' | sed '/^$/d'
