/*
 * Copyright (c) 2026, the hwenc authors. SPDX-License-Identifier: BSD-2-Clause
 *
 * hwenc-validate: the program behind `hwenc validate` (validate.h).
 */
#include "tools/validate.h"

int main(int argc, char **argv)
{
    return validate_main(argc, argv);
}
