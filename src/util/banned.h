/* banned.h -- functions that must not be used in Lianxin (unbounded or not thread-safe). */
#ifndef LX_BANNED_H
#define LX_BANNED_H

/* Included first in every translation unit by the build (-include). The system
 * headers are pulled in before the poisoning so that their own declarations
 * still compile. */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <stdlib.h>

#pragma GCC poison strcpy strcat sprintf vsprintf gets strtok localtime gmtime asctime ctime
#endif
