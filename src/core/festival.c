/* festival.c -- a table of the five traditional festivals, 2020-2040.
 *
 * Generated with Debian's `lunar` program (package lunar 2.2): `lunar -i Y 1 1`,
 * `-i Y 5 5`, `-i Y 8 15`, `-i Y 9 9` for the lunar festivals, and for Qingming
 * the April day `lunar -u` marks 是日為節 (the solar term that opens the 辰 month).
 * tests/unit/test_festival.c checks every entry against that program when it is
 * installed, and a list of dates checked by hand otherwise. */
#include "core/festival.h"

static const int table[FESTIVAL_LAST_YEAR - FESTIVAL_FIRST_YEAR + 1][FEST_COUNT] = {
    /* spring    qingming  dragon    mid-autumn double-ninth */
    {20200125, 20200404, 20200625, 20201001, 20201025}, /* 2020 */
    {20210212, 20210404, 20210614, 20210921, 20211014}, /* 2021 */
    {20220201, 20220405, 20220603, 20220910, 20221004}, /* 2022 */
    {20230122, 20230405, 20230622, 20230929, 20231023}, /* 2023 */
    {20240210, 20240404, 20240610, 20240917, 20241011}, /* 2024 */
    {20250129, 20250404, 20250531, 20251006, 20251029}, /* 2025 */
    {20260217, 20260405, 20260619, 20260925, 20261018}, /* 2026 */
    {20270206, 20270405, 20270609, 20270915, 20271008}, /* 2027 */
    {20280126, 20280404, 20280528, 20281003, 20281026}, /* 2028 */
    {20290213, 20290404, 20290616, 20290922, 20291016}, /* 2029 */
    {20300203, 20300405, 20300605, 20300912, 20301005}, /* 2030 */
    {20310123, 20310405, 20310624, 20311001, 20311024}, /* 2031 */
    {20320211, 20320404, 20320612, 20320919, 20321012}, /* 2032 */
    {20330131, 20330404, 20330601, 20330908, 20331001}, /* 2033 */
    {20340219, 20340405, 20340620, 20340927, 20341020}, /* 2034 */
    {20350208, 20350405, 20350610, 20350916, 20351009}, /* 2035 */
    {20360128, 20360404, 20360530, 20361004, 20361027}, /* 2036 */
    {20370215, 20370404, 20370618, 20370924, 20371017}, /* 2037 */
    {20380204, 20380405, 20380607, 20380913, 20381007}, /* 2038 */
    {20390124, 20390405, 20390527, 20391002, 20391026}, /* 2039 */
    {20400212, 20400404, 20400614, 20400920, 20401014}, /* 2040 */
};

int festival_date(festival f, int y)
{
    if (y < FESTIVAL_FIRST_YEAR || y > FESTIVAL_LAST_YEAR || (int)f < 0 || f >= FEST_COUNT)
        return 0;
    return table[y - FESTIVAL_FIRST_YEAR][f];
}

const char *festival_code(festival f)
{
    static const char *const codes[FEST_COUNT] = {"spring", "qingming", "dragon_boat",
                                                  "mid_autumn", "double_ninth"};
    return (int)f >= 0 && f < FEST_COUNT ? codes[f] : NULL;
}
