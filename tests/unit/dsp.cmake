# Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
#
# C DSP kernels (pixel, dct, quant, predict) against independent references.
# Include from tests/CMakeLists.txt; paths are relative to tests/.
add_executable(test_dsp unit/test_dsp.c)
# libm for pow()/fabs() in the round-trip and MF-table checks.
target_link_libraries(test_dsp PRIVATE hwenc_core m)
add_test(NAME dsp COMMAND test_dsp)
