#!/usr/bin/env python3
"""Generate a county's school exports for the comply benchmark (Python 3 standard library only).

    Benchmarks/generate.py --fee-rows 1000000 --out Benchmarks/data/fees-1000000
    Benchmarks/generate.py --fee-rows 100000 --seed 7 --out /tmp/bench

Writes, under --out (deterministic for a given --fee-rows and --seed):

    收费/收费_NNN_<学校>.csv   one fee ledger per school, exactly --fee-rows data rows in all
    学籍.csv                  the enrollment roll (one row per student, a few enrolled twice)
    课表.csv                  every class's weekly timetable
    招生计划.csv              the enrollment plan per school and grade
    manifest.json             sizes and how many violations of each kind were planted

The fee standards, term calendar and curriculum are read from the rule pack's own reference
tables (Benchmarks/rules/reference/), so the data and the rules agree on them.

All names and ID numbers are synthetic. A small share of rows breaks each check of the pack
(see PLANTED below), a few cells do not parse as their column's type, some cells carry
surrounding spaces (ASCII or the full-width U+3000), amounts of 1,000 or more are written with
a thousands separator by some schools, and each school writes dates in its own style. There
are no quoted line breaks, so a record's line number is its row number + 1 in both engines.
"""

import argparse
import csv
import datetime as dt
import hashlib
import json
import os
import random
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REFERENCE = os.path.join(HERE, "rules", "reference")

FEE_HEADER = "学校,学年学期,年级,班级,学籍号,姓名,收费项目,收费性质,应收金额,实收金额,收费日期,经办人,备注\n"
T1, T2 = "2024-2025-1", "2024-2025-2"

SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任"
            "沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔")
GIVEN = ("浩宇轩子俊杰博文睿泽明辰诺皓宸然航晨铭昊天佑嘉梓豪鑫阳锦思远逸凯琪雨鹏飞翔宁涛安乐承志毅峰磊强林彬"
         "欣怡涵诗萱婷悦可馨佳彤瑶梦雅静妍若语依心清晗雪玲颖琳慧菲倩蕾月桐芸")
TOWNS = ("城关", "新集", "石桥", "柳林", "青山", "白马", "河口", "龙泉", "杨庄", "李店", "高桥", "三里", "长岭",
         "马店", "王集", "黄湾", "双河", "红星", "东岳", "西平", "南湾", "北关", "桃园", "梅林", "松山")
CN_NUM = "一二三四五六七八九十"
AREAS = ("411521", "411522", "411523", "411524", "411525", "411526", "411527", "411528")
UNKNOWN_AREA = "411599"          # IDs of students who are on no roll
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"

BANNED = ("补课费", "辅导费", "培优费", "借读费", "择校费", "赞助费")   # = $禁收项目 in datasets.yaml
UNAPPROVED = ("资料费", "班费", "空调费", "考试费", "饮水费", "校车费", "电子屏费")
NATURES = ("代收费", "服务性收费", "行政事业性收费")
REMARKS = ("微信支付", "现金", "银行代扣", "已开票", "减免一半", "家长代缴", "含校服,运动服",
           '家长称"已缴"', "补缴", "退费后重收", "第二次缴费", "学校统一代收")
BAD_REMARKS = ("暑期补课", "周末辅导班", "培优班资料", "数学提高班", "家教费用,按课时", "课后补课（语文）")
CLASS_CAP = 56

# Per-row probabilities of each planted fault (a row gets at most one). Every one of them is
# either a violation of some check or a cell comply must treat exactly as the SQL does.
PLANTED = {
    "banned_item": 0.0005,        # FEE-BANNED-ITEM
    "unapproved_item": 0.001,     # FEE-UNAPPROVED-ITEM
    "over_standard": 0.002,       # FEE-OVER-STANDARD
    "nature_mismatch": 0.001,     # FEE-NATURE-MISMATCH
    "overpaid": 0.001,            # FEE-OVERPAID
    "compulsory_tuition": 0.0003, # FEE-COMPULSORY-TUITION (grades 1-9 only)
    "out_of_term": 0.001,         # FEE-OUT-OF-TERM
    "future_date": 0.0002,        # FEE-FUTURE-DATE
    "remark": 0.001,              # FEE-REMARK-TUTORING
    "missing_field": 0.001,       # FEE-REQUIRED-FIELDS
    "bad_student_no": 0.001,      # FEE-STUDENT-NO-FORMAT
    "unknown_student": 0.0005,    # FEE-UNKNOWN-STUDENT
    "invalid_amount": 0.0002,     # data.invalid-value (then FEE-REQUIRED-FIELDS)
    "invalid_date": 0.0002,       # data.invalid-value (then FEE-REQUIRED-FIELDS)
    "invalid_grade": 0.0002,      # data.invalid-value
    "spaces": 0.003,              # trimmed: not a violation
    "duplicate": 0.001,           # FEE-DUPLICATE-CHARGE (the row is written twice)
}
EXTRA_TRIP = 0.003                # students charged an extra 研学实践费 of 2,600: FEE-STUDENT-TERM-CAP
BIG_CLASS = 0.04                  # classes of 57-68 students: FEE-CLASS-SIZE


def id_number(area, birth, seq):
    first17 = f"{area}{birth:%Y%m%d}{seq:03d}"
    return first17 + ID_CHECK[sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS)) % 11]


def chinese_number(n):
    """1 … 99 in Chinese numerals: 一, 十, 十二, 二十, 二十三."""
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else CN_NUM[tens - 1] + "十")
    return head + (CN_NUM[ones - 1] if ones else "") if n >= 10 else CN_NUM[n - 1]


def cents_text(c, style):
    """An amount in cents as a school's export writes it."""
    neg = "-" if c < 0 else ""
    c = abs(c)
    whole, frac = divmod(c, 100)
    if style == "plain":                       # 150, 150.5, 132.25
        if frac == 0:
            return f"{neg}{whole}"
        return f"{neg}{whole}.{frac:02d}".rstrip("0")
    if style == "comma" and whole >= 1000:     # Excel's thousands format, quoted
        return f'"{neg}{whole:,}.{frac:02d}"'
    return f"{neg}{whole}.{frac:02d}"


def date_text(d, style):
    if style == "iso":
        return f"{d:%Y-%m-%d}"
    if style == "slash":
        return f"{d.year}/{d.month}/{d.day}"
    if style == "cn":
        return f"{d.year}年{d.month}月{d.day}日"
    if style == "compact":
        return f"{d:%Y%m%d}"
    return f"{d.year}.{d.month}.{d.day}"        # dot


def csv_field(text):
    if any(ch in text for ch in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


GRADE_PRIMARY = {g: CN_NUM[g - 1] + "年级" for g in range(1, 7)}
GRADE_STYLES = {
    "cn": lambda g: GRADE_PRIMARY.get(g) or {7: "七年级", 8: "八年级", 9: "九年级", 10: "高一", 11: "高二", 12: "高三"}[g],
    "stage": lambda g: GRADE_PRIMARY.get(g) or {7: "初一", 8: "初二", 9: "初三", 10: "高一", 11: "高二", 12: "高三"}[g],
    "digit": lambda g: str(g),
    "digitnj": lambda g: f"{g}年级",
}
WEEKDAY_STYLES = {
    "zhou": ["周一", "周二", "周三", "周四", "周五", "周六", "周日"],
    "xingqi": ["星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日"],
    "digit": ["1", "2", "3", "4", "5", "6", "7"],
    "en": ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
}


def generator_digest():
    """SHA-256 of this script and the reference tables: data made by another version is stale."""
    h = hashlib.sha256()
    for path in [os.path.abspath(__file__)] + sorted(
            os.path.join(REFERENCE, n) for n in os.listdir(REFERENCE) if n.endswith(".csv")):
        with open(path, "rb") as f:
            h.update(f.read())
    return h.hexdigest()


def read_reference():
    def rows(name):
        with open(os.path.join(REFERENCE, name), encoding="utf-8") as f:
            return list(csv.DictReader(f))
    standards = {r["项目"]: (r["收费性质"], round(float(r["标准金额"]) * 100)) for r in rows("fee_standards.csv")}
    terms = {r["学年学期"]: (dt.date.fromisoformat(r["开始日期"]), dt.date.fromisoformat(r["结束日期"]))
             for r in rows("terms.csv")}
    curriculum = {}
    for r in rows("curriculum.csv"):
        curriculum.setdefault(int(r["年级"]), []).append((r["科目"], int(r["最少周课时"])))
    return standards, terms, curriculum


class Generator:
    def __init__(self, fee_rows, seed, out):
        self.target = fee_rows
        self.seed = seed
        self.rng = random.Random(seed)
        self.out = out
        self.standards, self.terms, self.curriculum = read_reference()
        self.id_seq = {}
        self.planted = {k: 0 for k in PLANTED}
        self.planted.update(extra_trip=0, big_class=0, enroll_duplicate=0, over_plan=0,
                            tt_short=0, tt_missing_subject=0, tt_weekend=0)
        kinds = list(PLANTED)
        self.fault_kinds = kinds
        self.fault_cum = []
        acc = 0.0
        for k in kinds:
            acc += PLANTED[k]
            self.fault_cum.append(acc)
        self.fault_total = acc
        self.name_pool = [s + g for s in SURNAMES for g in GIVEN] + \
                         [s + g + h for s in SURNAMES[:40] for g in GIVEN[:40] for h in GIVEN[40:80]]

    # ───────────── people ─────────────

    def new_id(self, area, birth):
        key = (area, birth)
        seq = self.id_seq.get(key, 0) + 1
        self.id_seq[key] = seq
        return id_number(area, birth, seq)

    def student_id(self, grade):
        year = 2018 - grade                        # grade 1 in 2024-25: born 2017-09 … 2018-08
        birth = dt.date(year - 1, 9, 1) + dt.timedelta(days=self.rng.randrange(365))
        return "G" + self.new_id(self.rng.choice(AREAS), birth)

    # ───────────── schools ─────────────

    def make_school(self, index):
        rng = self.rng
        stage = ("P", "M", "H")[index] if index < 3 else rng.choices("PMH", weights=(5, 3, 2))[0]
        town = TOWNS[index % len(TOWNS)]
        number = chinese_number(index // len(TOWNS) + 1)     # unique names: 城关一小 … 城关十二中
        name = town + number + {"P": "小", "M": "中", "H": "高"}[stage]
        grades = {"P": range(1, 7), "M": range(7, 10), "H": range(10, 13)}[stage]
        per_grade = {"P": (5, 9), "M": (6, 12), "H": (8, 14)}[stage]
        school = {
            "name": name, "stage": stage, "grades": list(grades),
            "date_style": rng.choices(("iso", "slash", "cn", "compact", "dot"), weights=(70, 10, 10, 5, 5))[0],
            "amount_style": rng.choices(("fixed", "plain", "comma"), weights=(55, 30, 15))[0],
            "grade_style": rng.choice(("cn", "stage", "digit", "digitnj") if stage != "P" else ("cn", "cn", "digit", "digitnj")),
            "weekday_style": rng.choices(tuple(WEEKDAY_STYLES), weights=(60, 20, 15, 5))[0],
            "staff": [rng.choice(self.name_pool) for _ in range(rng.randint(3, 6))],
            "classes": [],
        }
        for g in grades:
            for c in range(1, rng.randint(*per_grade) + 1):
                big = rng.random() < BIG_CLASS
                size = rng.randint(57, 68) if big else rng.randint(38, 55)
                self.planted["big_class"] += big
                students = []
                for _ in range(size):
                    students.append({
                        "id": self.student_id(g), "name": rng.choice(self.name_pool),
                        "sex": rng.choice("男女"), "grade": g,
                        "boarder": stage != "P" and rng.random() < (0.4 if stage == "M" else 0.6),
                        "trip": rng.random() < 0.3,
                    })
                school["classes"].append((g, f"{c}班", students))
        return school

    # ───────────── fees ─────────────

    def schedule(self, stage, student):
        """(term, item, date) of every charge a student normally gets in 2024-25."""
        rand = self.rng.random
        d = dt.date

        def r(a, b):
            return a + int(rand() * (b - a + 1))
        out = [(T1, "课后服务费", d(2024, 9, r(2, 12))), (T1, "校服费", d(2024, 9, r(2, 20))),
               (T1, "保险费", d(2024, 9, r(2, 20))), (T1, "作业本费", d(2024, 9, r(2, 12))),
               (T2, "课后服务费", d(2025, 2, r(17, 28))), (T2, "作业本费", d(2025, 2, r(17, 28))),
               (T2, "体检费", d(2025, 4, r(1, 30)))]
        for m in (9, 10, 11, 12):
            out.append((T1, "午餐费", d(2024, m, r(1, 10))))
        for m in (3, 4, 5, 6):
            out.append((T2, "午餐费", d(2025, m, r(1, 10))))
        if stage != "P":
            out += [(T1, "教辅材料费", d(2024, 9, r(2, 15))), (T2, "教辅材料费", d(2025, 2, r(17, 28)))]
        if student["boarder"]:
            out += [(T1, "住宿费", d(2024, 9, r(1, 6))), (T2, "住宿费", d(2025, 2, r(16, 25)))]
        if stage == "H":
            out += [(T1, "学费", d(2024, 9, r(1, 10))), (T2, "学费", d(2025, 2, r(16, 28)))]
        if student["trip"]:
            out.append((T2, "研学实践费", d(2025, 5, r(5, 30))))
        return out

    def amount(self, item, month):
        nature, std = self.standards[item]
        if item == "午餐费":                       # school days in the month × 6.00
            return nature, {9: 20, 10: 17, 11: 21, 12: 22, 3: 21, 4: 22, 5: 19, 6: 20}[month] * 600
        return nature, std

    def fee_rows(self, school):
        """Every fee record of a school as (date, CSV line), in ledger (date) order."""
        rng = self.rng
        rand = rng.random
        name = school["name"]
        ds, amt_style = school["date_style"], school["amount_style"]
        grade_text = GRADE_STYLES[school["grade_style"]]
        staff = school["staff"]
        nstaff = len(staff)
        amounts = {}
        money = {}

        def mtext(c):
            t = money.get(c)
            if t is None:
                t = money[c] = cents_text(c, amt_style)
            return t
        dates = {}

        def dtext(d):
            t = dates.get(d)
            if t is None:
                t = dates[d] = date_text(d, ds)
            return t
        remarks = [csv_field(r) for r in REMARKS]
        nremarks = len(remarks)
        rows = []
        append = rows.append
        total, cum, kinds = self.fault_total, self.fault_cum, self.fault_kinds
        for grade, klass, students in school["classes"]:
            gtext = grade_text(grade)
            prefix = {T1: f"{name},{T1},{gtext},{klass},", T2: f"{name},{T2},{gtext},{klass},"}
            for st in students:
                sched = self.schedule(school["stage"], st)
                if rand() < EXTRA_TRIP:
                    self.planted["extra_trip"] += 1
                    sched.append((T2, "研学实践费@2600", dt.date(2025, 5, rng.randint(5, 30))))
                sid, sname = st["id"], st["name"]
                for term, item, date in sched:
                    key = (item, date.month)
                    a = amounts.get(key)
                    if a is None:
                        a = amounts[key] = ("研学实践费", "代收费", 260000) if item == "研学实践费@2600" \
                            else (item,) + self.amount(item, date.month)
                    item, nature, due = a
                    paid = due if rand() > 0.05 else due // 2          # 减免
                    remark = remarks[int(rand() * nremarks)] if rand() < 0.12 else ""
                    clerk = staff[int(rand() * nstaff)]
                    u = rand()
                    if u >= total:
                        append((date, f"{prefix[term]}{sid},{sname},{item},{nature},{mtext(due)},{mtext(paid)},"
                                      f"{dtext(date)},{clerk},{remark}\n"))
                        continue
                    f = [name, term, gtext, klass, sid, sname, item, nature, due, paid, date, clerk, remark]
                    kind = kinds[next(i for i, c in enumerate(cum) if u < c)]
                    copies = self.plant(kind, f, grade, school)
                    key = f[10] if isinstance(f[10], dt.date) else date       # the ledger's order
                    due, paid, date = f[8], f[9], f[10]
                    f[8] = mtext(due) if isinstance(due, int) else due
                    f[9] = mtext(paid) if isinstance(paid, int) else paid
                    f[10] = dtext(date) if isinstance(date, dt.date) else date
                    line = ",".join(f) + "\n"
                    for _ in range(copies):
                        append((key, line))
        rows.sort(key=lambda r: r[0])
        return rows

    def plant(self, kind, f, grade, school):
        """Breaks the row `f` in place; returns how many times it is written."""
        rng = self.rng
        self.planted[kind] += 1
        if kind == "banned_item":
            f[6], f[7] = rng.choice(BANNED), "服务性收费"
            f[8] = f[9] = rng.choice((20000, 30000, 45000, 80000))
        elif kind == "unapproved_item":
            f[6] = rng.choice(UNAPPROVED)
            f[8] = f[9] = rng.choice((3000, 5000, 12000))
        elif kind == "over_standard":
            std = self.standards[f[6]][1]
            f[8] = f[9] = std + rng.choice((1, 500, 2000, std // 2, std))
        elif kind == "nature_mismatch":
            f[7] = rng.choice([n for n in NATURES if n != f[7]])
        elif kind == "overpaid":
            f[9] = f[8] + rng.choice((100, 1000, 5000))
        elif kind == "compulsory_tuition":
            if grade > 9:
                self.planted[kind] -= 1
                return 1
            f[6], f[7], f[8], f[9] = "学费", "行政事业性收费", 80000, 80000
        elif kind == "out_of_term":
            v = rng.random()
            if v < 0.1:
                f[1] = rng.choice(("2024-2025-3", "2024学年第一学期", "2024-2025"))
            elif f[1] == T1:
                f[10] = dt.date(2025, 1, rng.randint(22, 31))
            else:
                f[10] = dt.date(2025, 7, rng.randint(8, 30))
        elif kind == "future_date":
            f[10] = dt.date(2025, rng.randint(8, 12), rng.randint(1, 28))
        elif kind == "remark":
            f[12] = csv_field(rng.choice(BAD_REMARKS))
        elif kind == "missing_field":
            i = rng.choice((4, 5, 9, 10, 11))
            f[i] = rng.choice(("", "", " ", "\u3000"))
        elif kind == "bad_student_no":
            sid = f[4]
            f[4] = rng.choice((sid[1:], "g" + sid[1:], sid[:-1], sid[:7] + " " + sid[7:], "L" + sid[1:],
                               sid[:-1] + "x", "G" + sid[1:7] + "O" + sid[8:]))
        elif kind == "unknown_student":
            birth = dt.date(2010, 1, 1) + dt.timedelta(days=rng.randrange(3650))
            f[4] = "G" + self.new_id(UNKNOWN_AREA, birth)
        elif kind == "invalid_amount":
            f[9] = csv_field(rng.choice(("150元", "壹佰伍拾元", "1.500,00", "--", "12,34", "NaN")))
            if rng.random() < 0.5:
                f[8] = rng.choice(("—", "待定"))
        elif kind == "invalid_date":
            f[10] = rng.choice(("2024-02-30", "2024-9-31", "2024/13/1", "9月5日", "2024-09", "2025年2月29日", "20241301"))
        elif kind == "invalid_grade":
            f[2] = rng.choice(("初四", "学前班", "十三年级", "0", "高四"))
        elif kind == "spaces":
            i = rng.choice((2, 3, 6, 7, 8, 9, 10, 11))
            pad = rng.choice((" ", "  ", "\u3000"))
            v = f[i]
            if isinstance(v, int):
                v = cents_text(v, "fixed")
            elif isinstance(v, dt.date):
                v = date_text(v, school["date_style"])
            f[i] = rng.choice((pad + v, v + pad, pad + v + pad))
        elif kind == "duplicate":
            if rng.random() < 0.5:
                f[11] = rng.choice(school["staff"])
            return 2
        return 1

    # ───────────── other exports ─────────────

    def timetable_rows(self, school):
        rng = self.rng
        days = WEEKDAY_STYLES[school["weekday_style"]]
        periods = {"P": 6, "M": 7, "H": 8}[school["stage"]]
        grade_text = GRADE_STYLES[school["grade_style"]]
        lines = []
        for grade, klass, _ in school["classes"]:
            subjects = []
            for subject, hours in self.curriculum[grade]:
                subjects += [subject] * hours
            v = rng.random()
            if v < 0.05:                                    # 体育 cut for 数学
                self.planted["tt_short"] += 1
                pe = next(s for s, _ in self.curriculum[grade] if s.startswith("体育"))
                subjects.remove(pe)
                subjects.append("数学")
            elif v < 0.06:                                  # no 音乐 (or 艺术) at all
                self.planted["tt_missing_subject"] += 1
                art = next(s for s, _ in self.curriculum[grade] if s in ("音乐", "艺术"))
                subjects = [s for s in subjects if s != art]
            fill = ["语文", "数学", "自习", "班会", "阅读", "英语" if grade >= 3 else "语文"]
            while len(subjects) < 5 * periods:
                subjects.append(rng.choice(fill))
            subjects = subjects[:5 * periods] if len(subjects) > 5 * periods else subjects
            rng.shuffle(subjects)
            gtext = grade_text(grade)
            teacher = {}
            for i, subject in enumerate(subjects):
                t = teacher.setdefault(subject, rng.choice(self.name_pool))
                lines.append(f"{school['name']},{gtext},{klass},{days[i // periods]},{i % periods + 1},{subject},{t}\n")
            if rng.random() < 0.01:                         # Saturday lessons
                self.planted["tt_weekend"] += 1
                for p in range(1, 5):
                    lines.append(f"{school['name']},{gtext},{klass},{days[5]},{p},数学,{teacher.get('数学', '')}\n")
        return lines

    def enrollment_rows(self, school, all_schools):
        rng = self.rng
        grade_text = GRADE_STYLES[school["grade_style"]]
        lines = []
        for grade, klass, students in school["classes"]:
            for st in students:
                birth = st["id"][7:15]
                lines.append(f"{school['name']},{st['id']},{st['name']},{st['sex']},{birth},{grade_text(grade)},{klass},{2024 - grade + school['grades'][0]}\n")
                if rng.random() < 0.001 and len(all_schools) > 1:   # also on another school's roll
                    self.planted["enroll_duplicate"] += 1
                    other = rng.choice([s for s in all_schools if s is not school])
                    g = rng.choice(other["grades"])
                    lines.append(f"{other['name']},{st['id']},{st['name']},{st['sex']},{birth},{g},1班,2024\n")
        return lines

    def plan_rows(self, school):
        counts = {}
        for grade, _, students in school["classes"]:
            counts[grade] = counts.get(grade, 0) + len(students)
        lines = []
        for grade, n in sorted(counts.items()):
            if self.rng.random() < 0.1:
                self.planted["over_plan"] += 1
                plan = n - self.rng.randint(5, 40)
            else:
                plan = (n // 50 + 1) * 50
            lines.append(f"{school['name']},{grade},{plan}\n")
        return lines

    # ───────────── driver ─────────────

    def run(self):
        started = time.time()
        fee_dir = os.path.join(self.out, "收费")
        os.makedirs(fee_dir, exist_ok=True)
        for old in os.listdir(fee_dir):
            os.remove(os.path.join(fee_dir, old))
        schools, written, fee_bytes = [], 0, 0
        while written < self.target:
            school = self.make_school(len(schools))
            schools.append(school)
            rows = self.fee_rows(school)
            rows = rows[: self.target - written]
            path = os.path.join(fee_dir, f"收费_{len(schools):03d}_{school['name']}.csv")
            bom = "\ufeff" if len(schools) % 4 == 2 else ""      # Excel's "CSV UTF-8" adds a BOM
            with open(path, "w", encoding="utf-8", newline="") as f:
                f.write(bom + FEE_HEADER)
                for i in range(0, len(rows), 100_000):
                    f.write("".join(line for _, line in rows[i:i + 100_000]))
            written += len(rows)
            fee_bytes += os.path.getsize(path)
            print(f"  {os.path.basename(path)}: {len(rows)} rows ({written}/{self.target})", file=sys.stderr)

        with open(os.path.join(self.out, "学籍.csv"), "w", encoding="utf-8", newline="") as f:
            f.write("学校,学籍号,姓名,性别,出生日期,年级,班级,入学年份\n")
            for s in schools:
                f.write("".join(self.enrollment_rows(s, schools)))
        with open(os.path.join(self.out, "课表.csv"), "w", encoding="utf-8", newline="") as f:
            f.write("学校,年级,班级,星期,节次,科目,任课教师\n")
            for s in schools:
                f.write("".join(self.timetable_rows(s)))
        with open(os.path.join(self.out, "招生计划.csv"), "w", encoding="utf-8", newline="") as f:
            f.write("学校,年级,计划人数\n")
            for s in schools:
                f.write("".join(self.plan_rows(s)))
        manifest = {
            "fee_rows": written, "seed": self.seed, "generator_sha256": generator_digest(),
            "schools": len(schools),
            "students": sum(len(st) for s in schools for _, _, st in s["classes"]),
            "classes": sum(len(s["classes"]) for s in schools),
            "fee_bytes": fee_bytes, "planted": self.planted,
            "seconds": round(time.time() - started, 1),
        }
        with open(os.path.join(self.out, "manifest.json"), "w", encoding="utf-8") as f:
            json.dump(manifest, f, ensure_ascii=False, indent=1)
        return manifest


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--fee-rows", type=int, default=1_000_000, help="fee records in all (default 1000000)")
    p.add_argument("--seed", type=int, default=20250731, help="random seed (default 20250731)")
    p.add_argument("--out", help="output folder (default Benchmarks/data/fees-N)")
    a = p.parse_args()
    if a.fee_rows < 1:
        p.error("--fee-rows must be positive")
    out = a.out or os.path.join(HERE, "data", f"fees-{a.fee_rows}")
    m = Generator(a.fee_rows, a.seed, out).run()
    print(json.dumps({"out": out, **m}, ensure_ascii=False))


if __name__ == "__main__":
    main()
