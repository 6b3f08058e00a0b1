# The docs (README.md, docs/*.md), Kconfig help texts and source comments
# name only files, make targets and Kconfig symbols that exist
# (tests/tools/check_docs.py: one line per stale reference). The self-test
# proves the checker fails: on a fixture with known wrong references and on
# a copy of this tree into which wrong references were put.
add_test(NAME docs.references COMMAND /usr/bin/python3 ${KILN_SRC}/tests/tools/check_docs.py)
add_test(NAME docs.references_selftest
         COMMAND /usr/bin/python3 ${KILN_SRC}/tests/tools/check_docs.py --self-test)
set_tests_properties(docs.references docs.references_selftest PROPERTIES TIMEOUT 120)
