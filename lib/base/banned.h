/* Functions that are unsafe or thread-unsafe are compile errors in this project (git banned.h). */
#ifndef AP_BANNED_H
#define AP_BANNED_H

#define AP_BANNED(func) sorry_##func##_is_a_banned_function

#undef strcpy
#define strcpy(x, y) AP_BANNED(strcpy)
#undef strcat
#define strcat(x, y) AP_BANNED(strcat)
#undef strncpy
#define strncpy(x, y, n) AP_BANNED(strncpy)
#undef sprintf
#define sprintf(...) AP_BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) AP_BANNED(vsprintf)
#undef strtok
#define strtok(x, y) AP_BANNED(strtok)
#undef atoi
#define atoi(x) AP_BANNED(atoi)
#undef atol
#define atol(x) AP_BANNED(atol)
#undef gmtime
#define gmtime(x) AP_BANNED(gmtime)
#undef localtime
#define localtime(x) AP_BANNED(localtime)
#undef ctime
#define ctime(x) AP_BANNED(ctime)
#undef asctime
#define asctime(x) AP_BANNED(asctime)

#endif
