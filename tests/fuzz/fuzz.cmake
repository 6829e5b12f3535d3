# Fuzzing (tests/fuzz/README.md): four libFuzzer targets, one replay test
# per target, and the seed generator.
#
#   fuzz_digest     the digest parser        (pdx_parse_buffer)
#   fuzz_tokenizer  the tokenizer            (pdx_tokenize)
#   fuzz_query      query parser + search    (pdx_query_parse, pdx_search, ...)
#   fuzz_index      index reader + search    (pdx_index_open, queries, check)
#   fuzz_lexcand    lexicon candidate table  (export, import, unmine)
#
# -DPAPERDEX_FUZZ=ON (clang only) builds fuzz_<target> linked with
# libFuzzer, and instruments the whole library with
# -fsanitize=fuzzer-no-link,address,undefined. In every build with tests,
# fuzz_<target>_replay (the same target with replay.c as main) runs the
# target's seed corpus as the CTest test fuzz_replay_<target>, so gcc
# builds replay the corpora and every regression input too.
set(PDX_FUZZ_TARGETS digest tokenizer query index lexcand)
set(PDX_FUZZ_DIR ${CMAKE_SOURCE_DIR}/tests/fuzz)

function(pdx_fuzz_executable name)
  add_executable(${name} ${ARGN})
  target_include_directories(${name} PRIVATE ${CMAKE_SOURCE_DIR}/common ${PDX_FUZZ_DIR}
                             ${CMAKE_SOURCE_DIR}/indexer) # lexicon_mine.h (fuzz_lexcand)
  target_link_libraries(${name} PRIVATE paperdex)
endfunction()

if(PAPERDEX_FUZZ)
  if(NOT CMAKE_C_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "PAPERDEX_FUZZ needs clang (libFuzzer): "
                        "CC=clang cmake -S . -B build-fuzz -DPAPERDEX_FUZZ=ON")
  endif()
  # The library carries the instrumentation; anything linking it gets the
  # sanitizer runtimes.
  target_compile_options(paperdex PUBLIC -fsanitize=fuzzer-no-link,address,undefined
                         -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
  target_link_options(paperdex PUBLIC -fsanitize=address,undefined)
  foreach(t ${PDX_FUZZ_TARGETS})
    pdx_fuzz_executable(fuzz_${t} ${PDX_FUZZ_DIR}/fuzz_${t}.c)
    target_link_options(fuzz_${t} PRIVATE -fsanitize=fuzzer)
  endforeach()
endif()

if(PAPERDEX_TESTS)
  foreach(t ${PDX_FUZZ_TARGETS})
    pdx_fuzz_executable(fuzz_${t}_replay ${PDX_FUZZ_DIR}/fuzz_${t}.c ${PDX_FUZZ_DIR}/replay.c)
    add_test(NAME fuzz_replay_${t} COMMAND fuzz_${t}_replay ${PDX_FUZZ_DIR}/corpus/${t})
  endforeach()
  pdx_fuzz_executable(fuzz_make_seeds ${PDX_FUZZ_DIR}/make_seeds.c)
endif()
