/* festival.h -- the traditional festivals by the Chinese calendar, as Gregorian dates. */
#ifndef LX_FESTIVAL_H
#define LX_FESTIVAL_H

/* The five traditional festivals the rules of contact name (seed 001: 每逢传统佳节). */
typedef enum festival {
    FEST_SPRING,       /* 春节, lunar 1/1 */
    FEST_QINGMING,     /* 清明, the solar term (sun at 15° longitude) */
    FEST_DRAGON_BOAT,  /* 端午, lunar 5/5 */
    FEST_MID_AUTUMN,   /* 中秋, lunar 8/15 */
    FEST_DOUBLE_NINTH, /* 重阳, lunar 9/9 */
    FEST_COUNT
} festival;

/* First and last year the table covers. */
#define FESTIVAL_FIRST_YEAR 2020
#define FESTIVAL_LAST_YEAR 2040

/* The Gregorian date (yyyymmdd) of festival f in Gregorian year y, or 0 if
 * y is outside FESTIVAL_FIRST_YEAR..FESTIVAL_LAST_YEAR or f is not a festival. */
int festival_date(festival f, int y);

/* A stable code for f ("spring", "qingming", "dragon_boat", "mid_autumn",
 * "double_ninth"), a static string; NULL if f is out of range. */
const char *festival_code(festival f);

#endif
