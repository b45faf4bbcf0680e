# Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
#
# The HAL's checks of what backends return (the packet check and the test
# encode `auto` runs), and `hwenc validate` on every test double and each
# of its profiles, sound and broken on purpose. Included from
# tests/CMakeLists.txt after the doubles' own .cmake files.

# The packet check and its parser, on streams broken one rule at a time.
add_executable(test_packet_check ${CMAKE_CURRENT_LIST_DIR}/test_packet_check.c)
target_include_directories(test_packet_check PRIVATE ${PROJECT_SOURCE_DIR}/hw ${PROJECT_SOURCE_DIR}/hw/core)
target_link_libraries(test_packet_check PRIVATE hwenc_testcommon hwenc_static)
add_test(NAME packet_check COMMAND test_packet_check)

