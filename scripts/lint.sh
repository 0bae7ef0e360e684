#!/usr/bin/env bash
# lint.sh - the static checks CI runs with the tests: banned C functions
# (unbounded or non-reentrant; see ../shared/STYLE.md), a comment at the top
# of every source file, and cppcheck when it is installed.
set -euo pipefail
cd "$(dirname "$0")/.."
status=0

# sprintf/strcat/strcpy/strncpy/strtok/gets/sscanf/gmtime/localtime/asctime/ctime:
# use snprintf, dft_buf, strtok_r-free parsing, gmtime_r.
banned='\b(sprintf|vsprintf|strcat|strncat|strcpy|strncpy|strtok|gets|sscanf|gmtime|localtime|asctime|ctime|atoi|atol)[[:space:]]*\('
# Tests may parse their own output with sscanf/atoi, but never write
# unbounded strings.
tests_banned='\b(sprintf|vsprintf|strcat|strcpy|gets)[[:space:]]*\('
hits=$( { grep -nE "$banned" --include='*.c' --include='*.h' -r src include || true;
         grep -nE "$tests_banned" --include='*.c' --include='*.h' -r tests || true; } \
       | grep -vE '^\S+:\s*[0-9]+:\s*(\*|//)' || true)
if [ -n "$hits" ]; then
  echo "$hits" >&2
  echo "lint: banned function used (see scripts/lint.sh for the replacements)" >&2
  status=1
fi
# qsort(NULL, 0, ...) is undefined (UBSan stops on it): sort with dft_sort,
# which src/core/util.c alone implements with qsort.
sorts=$(grep -nE '\bqsort(_r)?[[:space:]]*\(' --include='*.c' -r src | grep -v '^src/core/util.c:' || true)
if [ -n "$sorts" ]; then
  echo "$sorts" >&2
  echo "lint: use dft_sort / dft_sort_r (core.h), not qsort" >&2
  status=1
fi

for f in $(find src include -name '*.c' -o -name '*.h'); do
  if ! head -3 "$f" | grep -q '/\*'; then
    echo "lint: $f does not open with a comment saying what it is for" >&2
    status=1
  fi
done

if command -v cppcheck >/dev/null; then
  if ! cppcheck --quiet --error-exitcode=1 --std=c11 --enable=warning,portability \
      --suppress=missingIncludeSystem --suppress=unknownMacro --inline-suppr -I include src 2>&1; then
    echo "lint: cppcheck found problems" >&2
    status=1
  fi
fi
[ $status -eq 0 ] && echo "lint: ok"
exit $status
