# Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
#
# CAVLC and bit writer unit tests. Include from tests/unit/CMakeLists.txt
# (or tests/CMakeLists.txt) after the hwenc_core target exists; hwenc_core
# must compile cpu_fallback/cavlc.c and hw/h264/bitstream.c.

add_executable(test_cavlc ${CMAKE_CURRENT_LIST_DIR}/test_cavlc.c)
target_link_libraries(test_cavlc PRIVATE hwenc_core)
add_test(NAME cavlc COMMAND test_cavlc)

add_executable(test_bitstream ${CMAKE_CURRENT_LIST_DIR}/test_bitstream.c)
target_link_libraries(test_bitstream PRIVATE hwenc_core)
add_test(NAME bitstream COMMAND test_bitstream)

# The CABAC arithmetic encoder against a reference decoder written from 9.3.
add_executable(test_cabac ${CMAKE_CURRENT_LIST_DIR}/test_cabac.c)
target_link_libraries(test_cabac PRIVATE hwenc_core)
add_test(NAME cabac COMMAND test_cabac)
