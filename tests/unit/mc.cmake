# Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
#
# Motion compensation kernels (mc.c) against a literal transcription of
# 8.4.2.2.1 and 8.4.2.2.2. Include from tests/CMakeLists.txt; paths are
# relative to tests/.
add_executable(test_mc unit/test_mc.c)
target_link_libraries(test_mc PRIVATE hwenc_core)
add_test(NAME mc COMMAND test_mc)
