#!/usr/bin/env python3
"""Writes a realistic customer export: Chinese names, mixed date and phone formats, 1% bad rows.

usage: generate.py ROWS OUT.csv
"""
import random
import sys

rows, out = int(sys.argv[1]), sys.argv[2]
rng = random.Random(20261124)
surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
given = "伟芳娜敏静丽强磊洋艳勇军杰娟涛明超秀英霞平刚桂兰玉萍红华建国志文辉鹏飞宇浩然欣怡子涵梓轩诗雨"
cities = ["上海", "北京", "广州", "深圳", "杭州", "成都", "南京", "武汉", "西安", "重庆"]
tiers = ["", "silver", "gold", "vip"]

def phone(i):
    n = "1" + rng.choice("3456789") + "".join(rng.choice("0123456789") for _ in range(9))
    style = i % 4
    if style == 0: return n
    if style == 1: return f"+86 {n[:3]}-{n[3:7]}-{n[7:]}"
    if style == 2: return "0086" + n
    return "".join(chr(ord(c) + 0xFEE0) for c in n)  # full-width digits

def birthday(i):
    y, m, d = rng.randint(1955, 2006), rng.randint(1, 12), rng.randint(1, 28)
    style = i % 3
    if style == 0: return f"{y:04d}-{m:02d}-{d:02d}"
    if style == 1: return f"{y}/{m}/{d}"
    return f"{y:04d}{m:02d}{d:02d}"

with open(out, "w", encoding="utf-8", newline="") as f:
    f.write("customer_id,name,phone,birthday,tier,city,total_spend,last_order_at\n")
    for i in range(rows):
        name = rng.choice(surnames) + "".join(rng.choice(given) for _ in range(rng.randint(1, 2)))
        p, b = phone(i), birthday(i)
        if i % 200 == 57: p = "12345"            # 1% bad rows: half invalid phones,
        if i % 200 == 91: b = "1990-02-30"       # and impossible dates
        note = f'"{rng.choice(cities)}"' if i % 10 == 0 else rng.choice(cities)
        f.write(f"M{i:08d},{name},{p},{b},{rng.choice(tiers)},{note},{rng.randint(0, 50000)}.{rng.randint(0, 99):02d},"
                f"2026-{rng.randint(1, 11):02d}-{rng.randint(1, 28):02d} 12:00\n")
