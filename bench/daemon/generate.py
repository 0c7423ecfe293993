#!/usr/bin/env python3
"""Writes the daemon benchmark's customers: birthdays (30% lunar), card expiry dates, last orders spread over
the past year (so recall waves fire), order counts and spends.

usage: generate.py ROWS OUT.csv TODAY(YYYY-MM-DD) ZONE
"""
import datetime
import random
import sys

rows, out, today, zone = int(sys.argv[1]), sys.argv[2], datetime.date.fromisoformat(sys.argv[3]), sys.argv[4]
rng = random.Random(20261202)
surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏"
given = "伟芳娜敏静丽强磊洋艳勇军杰娟涛明超秀英霞平刚桂兰玉萍红华建国志文辉鹏飞宇浩然欣怡子涵梓轩诗雨"
tiers = ["", "silver", "gold", "vip"]

with open(out, "w", encoding="utf-8", newline="") as f:
    f.write("customer_id,name,phone,birthday,birthday_lunar,calendar,tier,card_expires_on,last_order_at,order_count,total_spend,timezone\n")
    for i in range(rows):
        name = rng.choice(surnames) + "".join(rng.choice(given) for _ in range(rng.randint(1, 2)))
        phone = "1" + rng.choice("3456789") + f"{rng.randint(0, 999_999_999):09d}"
        lunar = rng.random() < 0.3
        birthday = f"{rng.randint(1955, 2006):04d}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        expires = today + datetime.timedelta(days=rng.randint(-30, 400))
        last = today - datetime.timedelta(days=rng.randint(1, 365))
        f.write(f"D{i:08d},{name},{phone},{birthday},{'true' if lunar else 'false'},{'lunar' if lunar else 'solar'},"
                f"{rng.choice(tiers)},{expires},{last}T12:00:00+08:00,{rng.randint(0, 40)},{rng.randint(0, 50000)},{zone}\n")
