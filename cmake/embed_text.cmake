# cmake -DIN=FILE -DOUT=FILE.cc -DNAME=kSymbol -P embed_text.cmake: FILE's text as a C++ constant
# (subsidy::embedded::NAME), so that a binary carries a data file it must never be without.
file(READ "${IN}" content)
file(WRITE "${OUT}" "// Generated from ${IN} by cmake/embed_text.cmake: do not edit.\nnamespace subsidy::embedded {\nextern const char ${NAME}[];\nconst char ${NAME}[] = R\"subsidy_embedded(${content})subsidy_embedded\";\n}  // namespace subsidy::embedded\n")
