/* main.c - placeholder until the CLI lands */
#include "daftar/core.h"
int main(void) { return 0; }
