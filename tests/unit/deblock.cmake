# Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
#
# Deblocking filter (cpu_fallback/deblock.c) against a literal transcription
# of 8.7. Include from tests/CMakeLists.txt; paths are relative to tests/.
add_executable(test_deblock unit/test_deblock.c)
target_link_libraries(test_deblock PRIVATE hwenc_core)
add_test(NAME deblock COMMAND test_deblock)
