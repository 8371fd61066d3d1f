#!/usr/bin/env python3
"""bench/gen_ledger.py -- write a household ledger CSV for bench/import.sh.

    python3 bench/gen_ledger.py PLACES.tsv ROWS OUT.csv [SEED]

PLACES.tsv: one line per group, "township<TAB>village<TAB>group" -- real names
of the county, read from its database by import.sh. ROWS: the number of data
rows (one per resident, grouped by household number; the last household is cut
to fit). The header is the template of src/io/ledger.c (household_cols).

ID numbers are valid GB 11643 numbers (check digit computed here) with region
code 330106, which the demo generator never uses (its codes are 51xxxx), so
none is already in the database; each is unique in the file. Birth date and
gender agree with the ID number. The head of each household has a phone.
Household cells (address, difficulty, tags, needs) are on the head's row only;
places are on every row. Deterministic for a given SEED.
"""
import random
import sys

REGION = "330106"
HEADER = ["户编号", "乡镇(街道)", "村(社区)", "组(网格)", "住址", "富裕难度", "户类别", "需求",
          "姓名", "性别", "出生日期", "身份证号", "联系电话", "与户主关系"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华兰红玉梅建国志文斌浩宇轩博涵欣怡子墨雨泽梓萱思远俊凯佳琪晨阳"
DIFFICULTY = ["无", "无", "无", "较小", "较小", "较大", "最大"]
TAGS = ["低保户", "五保户", "建卡贫困户", "孤寡老人", "留守儿童", "残疾人", "外出务工", "有培训需求",
        "有创业意愿", "种养大户"]
NEEDS = ["法律", "农业技术", "医疗", "教育", "政策", "营销", "其他"]
PHONE_PREFIXES = ["130", "135", "138", "139", "150", "158", "177", "186", "189", "199"]


def check_digit(s17):
    total = sum(int(c) * w for c, w in zip(s17, (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)))
    return "10X98765432"[total % 11]


def main():
    places_file, rows, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    rnd = random.Random(int(sys.argv[4]) if len(sys.argv) > 4 else 1)
    with open(places_file, encoding="utf-8") as f:
        places = [tuple(line.rstrip("\n").split("\t")) for line in f if line.strip()]
    if not places:
        sys.exit("no places")
    seq = {}  # (date, sex) -> next sequence number

    def person(year, male):
        while True:
            m, d = rnd.randint(1, 12), rnd.randint(1, 28)
            date = "%04d%02d%02d" % (year, m, d)
            n = seq.get((date, male), 1 if male else 2)  # odd for men, even for women
            if n <= 999:
                seq[(date, male)] = n + 2
                break
        s17 = REGION + date + "%03d" % n
        birth = "%s-%s-%s" % (date[:4], date[4:6], date[6:])
        return s17 + check_digit(s17), birth

    def name(surname=None):
        return (surname or rnd.choice(SURNAMES)) + "".join(rnd.choices(GIVEN, k=rnd.choice((1, 2))))

    written, hh = 0, 0
    with open(out, "w", encoding="utf-8", newline="") as f:
        f.write(",".join(HEADER) + "\n")
        while written < rows:
            hh += 1
            size = min(rows - written, rnd.choices((1, 2, 3, 4, 5), (12, 25, 30, 22, 11))[0])
            town, village, group = rnd.choice(places)
            key = "BH%07d" % hh
            head_year = rnd.randint(1940, 1995)
            head_male = rnd.random() < 0.8
            surname = rnd.choice(SURNAMES)
            members = [("户主", head_year, head_male, surname)]
            if size > 1:
                members.append(("配偶", head_year + rnd.randint(-4, 4), not head_male, None))
            for _ in range(size - len(members)):
                if head_year > 1955 and rnd.random() < 0.15:
                    members.append(("父母", head_year - rnd.randint(22, 32), rnd.random() < 0.5, None))
                else:
                    members.append(("子女", min(head_year + rnd.randint(20, 35), 2023),
                                    rnd.random() < 0.5, surname))
            for i, (rel, year, male, sn) in enumerate(members):
                idno, birth = person(year, male)
                if i == 0:
                    tags = rnd.sample(TAGS, rnd.choice((0, 1, 1, 2)))
                    hcells = ["%s%s%s%d号" % (town, village, group, rnd.randint(1, 200)),
                              rnd.choice(DIFFICULTY), "、".join(tags),
                              "、".join(rnd.sample(NEEDS, rnd.choice((0, 1, 2))))]
                    phone = rnd.choice(PHONE_PREFIXES) + "%08d" % rnd.randrange(10 ** 8)
                else:
                    hcells, phone = ["", "", "", ""], ""
                f.write(",".join([key, town, village, group] + hcells +
                                 [name(sn), "男" if male else "女", birth, idno, phone, rel]) + "\n")
                written += 1
    print("%d rows, %d households" % (written, hh))


if __name__ == "__main__":
    main()
