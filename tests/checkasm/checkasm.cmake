# Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
#
# checkasm: every SIMD kernel against its C version at every ISA level this
# CPU has. `checkasm --bench` prints the per-kernel timings.
# Include from tests/CMakeLists.txt.
set(CHECKASM_DIR ${CMAKE_CURRENT_LIST_DIR})
add_executable(checkasm
    ${CHECKASM_DIR}/checkasm.c
    ${CHECKASM_DIR}/dct.c
    ${CHECKASM_DIR}/dct8x8.c
    ${CHECKASM_DIR}/deblock.c
    ${CHECKASM_DIR}/mc.c
    ${CHECKASM_DIR}/metrics.c
    ${CHECKASM_DIR}/pixel.c
    ${CHECKASM_DIR}/predict.c
    ${CHECKASM_DIR}/predict8x8.c
    ${CHECKASM_DIR}/quant.c)
target_link_libraries(checkasm PRIVATE hwenc_core)
add_test(NAME checkasm COMMAND checkasm)
# The C-only level on its own, as HWENC_CPU_MASK=c runs the encoder.
add_test(NAME checkasm_c COMMAND checkasm --cpu=c)
