"""Write N realistic school records in carework's own format, deterministically, for benchmarks and tests.

The same N and seed always give byte-identical files, so two benchmark runs measure the same work. The mix follows
the sample city: most schools are close to compliant, some are exemplary, some badly behind, and about one in
twenty-five has a data error a secretary would make (a date written the Chinese way, a misspelt campaign, a typo in
a key). Records are about 5 KB: rosters of 10–40 elders and 5–30 dated activities, partly in block style like the
sample data, partly in the one-line-per-item flow style of data/plans/2024/base-record.yaml, some with YAML 1.1 booleans
(`yes`/`no`) and comments, so the parser sees what it would see in a real data repository.

    python tests/support/generate.py 10000 bench-data/10k
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
from dataclasses import dataclass
from pathlib import Path

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = ("建国", "明华", "德顺", "晓燕", "桂芳", "长林", "秀英", "国强", "志刚", "淑珍", "玉兰", "建华", "海燕", "立新",
         "红梅", "文杰", "春生", "培德", "宝林", "亚萍", "凤珍", "慧珍", "娟英", "长根", "品元", "剑", "艳", "芬", "琳",
         "国英", "秀兰", "耀先", "振东", "永康", "丽华", "卫东", "学军", "素梅", "金凤", "小平", "伟", "静", "敏", "军")
DISTRICTS = ("天宁区", "钟楼区", "新北区", "武进区", "金坛区", "溧阳市", "经开区", "高新区", "云溪县", "东湖区",
             "西山区", "南湖区")
KINDS = (("kindergarten", "YE", "幼儿园", 0.30), ("primary", "XX", "小学", 0.30), ("junior", "CZ", "初级中学", 0.16),
         ("senior", "GZ", "高级中学", 0.08), ("nine_year", "JY", "学校", 0.10), ("vocational", "ZZ", "中等职业学校", 0.06))
PLACES = ("红梅", "青山", "实验", "东方", "博爱", "解放路", "花园", "人民路", "龙城", "翠竹", "湖塘", "星河", "明德", "朝阳",
          "西林", "北郊", "滨江", "文化宫", "虹景", "春江", "泰村", "横山", "邹区", "南夏墅")
POSTS = ("party_secretary", "principal", "deputy_party_secretary", "vice_principal", "middle_manager", "teacher")
OFFICES = ("德育处", "团委", "少先队大队部", "校长办公室", "心理健康教育中心", "工会", "家长学校", "保教办公室", "教务处")
EQUIPMENT = ("电脑", "打印机", "档案柜", "书报架", "文件柜", "投影仪")
TOPIC_SETS = (["xi_thought", "congress20", "instructions", "deployments"], ["xi_thought", "practice"],
              ["instructions", "deployments"], ["congress20"], ["practice"], ["xi_thought", "instructions"])
TRAININGS = ("学习贯彻党的二十大精神和总书记重要指示专题培训", "关工委工作人员和“五老”集中学习",
             "全市教育关工委工作人员和“五老”骨干轮训（第{n}期）", "区教育关工委工作人员培训会",
             "学习《关于加强新时代关心下一代工作委员会工作的意见》")
CAMPAIGNS = ("老少同声爱国情 同心奋进新征程", "读懂中国", "科技强国，担当有我", "我以祖国为荣", "文化塑造未来，读书点亮人生",
             "祖国在我心中 爱国从我做起", "文化塑造未来铸魂工程", "三杰作引领，红色基因入我心", "庆祝中华人民共和国成立75周年")
ACTIVITIES = {
    "lecture": ("“五老”进课堂宣讲党的创新理论", "老党员{elder}为少先队员讲党史故事", "“强国有我”——{elder}与同学们谈理想"),
    "theme_education": ("老少同声唱红歌 献礼新中国75周年", "“三杰精神伴我行”情景剧展演", "“云溪名人”系列微课",
                        "读懂中国·我与五老话初心", "本地名人故居寻访"),
    "reading_essay": ("我以祖国为荣主题征文", "“科技强国，担当有我”征文校级初评", "红色经典诵读会"),
    "walking_class": ("清明祭英烈行走的思政课", "国庆“行走的思政课”：云溪市博物馆研学", "红色教育基地研学"),
    "mental_health": ("心理健康讲座", "“家校共育”心理健康讲座", "心理健康教育进课堂：学会与情绪做朋友"),
    "life_education": ("珍爱生命主题班会", "“11·9”消防演练与生命安全教育", "禁毒教育与生命教育专题课"),
    "resilience_education": ("逆境成长故事会", "“挫折是成长的阶梯”主题班会", "户外拓展：勇敢者的挑战"),
    "care": ("“五老”结对帮扶困难学生", "“暖冬行动”关爱留守儿童", "重阳节“五老”与学生共话敬老孝亲"),
    "other": ("“五老”书法进课堂", "非遗进校园：云溪梳篦技艺体验课", "老少共植纪念林"),
}
PARTNERS = ("市卫健委", "区心理健康教育指导中心", "区妇联", "区民政局", "派出所", "团区委")
CARE = (("留守儿童之家", ["课后陪伴", "结对帮扶", "亲情视频通话"]), ("成长驿站", ["心理辅导", "结对帮扶"]),
        ("“五老”谈心室", ["心理疏导", "学业辅导"]), ("爱心书屋", ["课外阅读", "作业辅导"]))
YEAR = 2024
DAYS = (dt.date(YEAR, 12, 31) - dt.date(YEAR, 1, 1)).days


@dataclass
class Person:
    name: str
    status: str
    post: str


class Writer:
    """Emits one record as YAML text in either block or one-line flow style for list items."""

    def __init__(self, flow: bool, yes_no: bool) -> None:
        self.lines: list[str] = []
        self.flow = flow
        self.yes_no = yes_no

    def scalar(self, value: object) -> str:
        if isinstance(value, bool):
            return ("yes" if value else "no") if self.yes_no else ("true" if value else "false")
        if isinstance(value, list):
            return "[" + ", ".join(self.scalar(v) for v in value) + "]"
        if isinstance(value, str) and (value[:1] in "“[{&*!|>'\"%@`#-?:" or ": " in value or " #" in value
                                       or value in ("yes", "no", "true", "false", "null")):
            return '"' + value.replace('"', '\\"') + '"'
        return str(value)

    def key(self, indent: int, name: str, value: object = None) -> None:
        pad = " " * indent
        self.lines.append(f"{pad}{name}:" if value is None else f"{pad}{name}: {self.scalar(value)}")

    def items(self, indent: int, name: str, items: list[dict[str, object]]) -> None:
        if not items:
            self.lines.append(f"{' ' * indent}{name}: []")
            return
        self.key(indent, name)
        pad = " " * (indent + 2)
        for item in items:
            if self.flow:
                self.lines.append(pad + "- {" + ", ".join(f"{k}: {self.scalar(v)}" for k, v in item.items()) + "}")
                continue
            first = True
            for k, v in item.items():
                lead = "- " if first else "  "
                first = False
                if isinstance(v, list) and v and len(v) > 3:
                    self.lines.append(f"{pad}{lead}{k}:")
                    self.lines.extend(f"{pad}    - {self.scalar(x)}" for x in v)
                else:
                    self.lines.append(f"{pad}{lead}{k}: {self.scalar(v)}")

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


def _date(rng: random.Random, start: int = 0, end: int = DAYS) -> dt.date:
    return dt.date(YEAR, 1, 1) + dt.timedelta(days=rng.randint(start, end))


def _name(rng: random.Random, used: set[str]) -> str:
    while True:
        name = rng.choice(SURNAMES) + rng.choice(GIVEN)
        if name not in used:
            used.add(name)
            return name


def school(index: int, rng: random.Random) -> tuple[str, str]:
    """One record: (code, YAML text). `quality` ∈ [0, 1] decides how many requirements it meets."""
    district_no = index % len(DISTRICTS)
    district = DISTRICTS[district_no]
    kind, kind_code, kind_zh, _ = rng.choices(KINDS, weights=[k[3] for k in KINDS])[0]
    code = f"D{district_no:02d}-{kind_code}-{index:06d}"
    roll = rng.random()
    quality = 1.0 if roll < 0.25 else (0.9 if roll < 0.75 else (0.7 if roll < 0.93 else 0.35))
    ok = lambda: rng.random() < quality  # noqa: E731 - a coin weighted by how diligent this school is
    w = Writer(flow=rng.random() < 0.7, yes_no=rng.random() < 0.1)
    used: set[str] = set()
    if rng.random() < 0.3:
        w.lines.append(f"# {district}{rng.choice(PLACES)}{kind_zh} 关工委工作台账（{YEAR} 年）")
    w.key(0, "code", code)
    w.key(0, "name", f"{district}{rng.choice(PLACES)}{kind_zh}")
    w.key(0, "district", district)
    w.key(0, "kind", kind)
    if rng.random() < 0.15:
        w.key(0, "ownership", "private")
    w.key(0, "updated", dt.date(YEAR, 12, rng.randint(1, 28)))

    director = Person(_name(rng, used), "in_service", rng.choice(("party_secretary", "principal")) if ok() else "vice_principal")
    deputies = [Person(_name(rng, used), "in_service", "vice_principal")]
    if ok():
        deputies.append(Person(_name(rng, used), "retired", rng.choice(POSTS)))
    secretaries = [Person(_name(rng, used), "in_service", "middle_manager")]
    if ok():
        secretaries.append(Person(_name(rng, used), "retired", "teacher"))
    w.key(0, "committee")
    w.key(2, "established", dt.date(rng.randint(1995, 2020), rng.randint(1, 12), 1))
    if w.flow:
        w.lines.append(f"  director: {{name: {director.name}, status: {director.status}, post: {director.post}}}")
    else:
        w.key(2, "director")
        for k, v in vars(director).items():
            w.key(4, k, v)
    w.items(2, "executive_deputies", [vars(p) for p in deputies])
    w.items(2, "secretaries_general", [vars(p) for p in secretaries])
    w.items(2, "member_offices", [{"office": o, "duties_written": ok()} for o in rng.sample(OFFICES, rng.randint(2, 5))])
    w.key(2, "deliberation_rules", ok())
    w.key(2, "succession_plan", ok())

    retired = [p for p in deputies + secretaries if p.status == "retired"]
    elders: list[dict[str, object]] = []
    for i in range(round(rng.triangular(10, 40, 10))):
        name = retired[i].name if i < len(retired) else _name(rng, used)
        tier = "leader" if i == 0 else ("backbone" if i < 4 or rng.random() < 0.2 else "volunteer")
        elder: dict[str, object] = {"name": name, "category": rng.choice(("cadre", "soldier", "expert", "teacher", "model")),
                                    "tier": tier}
        if rng.random() < 0.6:
            elder["party_member"] = True
        if i == 0 and ok():
            elder["former_cadre"] = True
        if i == 1 and ok():
            elder["excellent_teacher"] = True
        if i < 2 and rng.random() < 0.5:
            elder["resident"] = True
        if tier != "volunteer" or rng.random() < 0.5:
            elder["joined"] = dt.date(rng.randint(2008, 2023), rng.randint(1, 12), rng.randint(1, 28))
        if rng.random() < 0.05:
            elder["left"] = _date(rng, 0, 200)
        elders.append(elder)
    if not ok():
        elders = [e for e in elders if e["tier"] != "volunteer"] or elders
    w.items(0, "elders", elders)

    leaders = [director.name] + [p.name for p in deputies + secretaries]
    backbone = [str(e["name"]) for e in elders if e["tier"] in ("leader", "backbone")]
    trainings = []
    for n in range(rng.randint(1, 3) if ok() else rng.randint(0, 1)):
        people = [p for p in leaders + backbone if ok()]
        trainings.append({"date": _date(rng, 30, 330), "title": rng.choice(TRAININGS).format(n=n + 1),
                          "organiser": rng.choice(("city", "district", "school")),
                          "topics": rng.choice(TOPIC_SETS) if n or not ok() else TOPIC_SETS[0], "attendees": people})
    w.items(0, "trainings", trainings)
    study = [{"date": _date(rng, 60, 320), "topic": "党纪学习教育专题学习",
              "attendees": rng.sample(leaders, 2) + rng.sample(backbone, min(2, len(backbone)))}] if ok() else []
    w.items(0, "party_study", study)
    w.key(0, "party_building")
    for k in ("in_party_plan", "annual_plan", "year_end_summary"):
        w.key(2, k, ok())
    hearings = [{"date": d, "topic": "听取关工委工作汇报", "minutes": ok()}
                for d in sorted(_date(rng, 40, 350) for _ in range(2 if ok() else rng.randint(0, 1)))]
    w.items(0, "party_hearings", hearings)
    w.items(0, "duty_reports", [{"name": n, "date": dt.date(YEAR, 12, rng.randint(5, 25))}
                                for n in [director.name, deputies[0].name, secretaries[0].name] if ok()])
    w.items(0, "office_meetings", [{"date": d, "topic": "成员部门联席会议", "minutes": True}
                                   for d in sorted(_date(rng, 30, 300) for _ in range(2 if ok() else 1))])
    budget = [{"year": YEAR - 1, "amount": rng.randrange(5000, 30000, 1000), "in_school_budget": True}]
    if ok():
        budget.append({"year": YEAR, "amount": rng.randrange(2000, 30000, 1000), "in_school_budget": ok()})
    w.items(0, "budget", budget)
    w.key(0, "office")
    w.key(2, "dedicated", ok())
    w.key(2, "sign", ok())
    w.key(2, "equipment", rng.sample(EQUIPMENT, rng.randint(1, 4)) if ok() else [])
    w.key(2, "archives", ok())
    w.items(0, "allowances", [{"name": e["name"], "year": YEAR, "amount": 3000} for e in elders if e.get("resident") and ok()])
    w.items(0, "publicity", [{"date": _date(rng), "title": t, "kind": k} for t, k in (
        (f"银发生辉——记“五老”{elders[0]['name']}", "model"), ("与兄弟学校共享“五老”宣讲课程", "sharing")) if ok()])
    w.items(0, "lecturers", [{"name": e["name"], "elder": True} for e in elders[:rng.randint(3, 6) if ok() else 1]]
            + [{"name": n, "elder": False} for n in rng.sample(leaders, rng.randint(0, 2))])

    # What the plan asks for, each done by a diligent school (with the right campaign), then everyday activities.
    wanted = [("lecture", None), ("theme_education", CAMPAIGNS[0]), ("theme_education", CAMPAIGNS[1]),
              ("reading_essay", CAMPAIGNS[rng.randint(2, 5)]), ("theme_education", CAMPAIGNS[6]),
              ("walking_class", CAMPAIGNS[7]), ("mental_health", None), ("life_education", None),
              ("resilience_education", None)]
    plan = [(k, c) for k, c in wanted if ok()]
    kinds = [k for k in ACTIVITIES if ok()] or ["other"]
    plan += [(rng.choice(kinds), None) for _ in range(max(0, round(rng.triangular(5, 30, 5) - 1) - len(plan)))]
    activities = []
    for kind_, campaign in plan:
        act: dict[str, object] = {"date": _date(rng, 0, 360) if rng.random() > 0.03 else dt.date(YEAR - 1, 11, 20),
                                  "title": rng.choice(ACTIVITIES[kind_]).format(elder=elders[0]["name"]), "kind": kind_}
        if campaign or (kind_ in ("theme_education", "reading_essay", "walking_class") and rng.random() < 0.3):
            act["campaign"] = campaign or rng.choice(CAMPAIGNS)
        act["students"] = rng.randint(20, 900)
        if rng.random() < 0.7:
            act["elders"] = rng.randint(1, 5)
        if kind_ == "mental_health" and ok():
            act["partners"] = [rng.choice(PARTNERS)]
        activities.append(act)
    activities.sort(key=lambda a: a["date"])  # type: ignore[arg-type, return-value]
    w.items(0, "activities", activities)
    w.key(0, "readers", rng.sample(["红色云溪", "逐梦云溪", "菁华云溪"], rng.randint(1, 2)) if ok() else [])
    w.key(0, "quality")
    if kind != "vocational":
        w.key(2, "batch", rng.randint(1, 3))
    status = rng.choice(("certified", "certified", "self_assessed", "in_progress")) if ok() else "in_progress"
    w.key(2, "status", status)
    if status != "in_progress":
        w.key(2, "self_assessment_date", _date(rng, 60, 200))
        w.key(2, "self_score", rng.randint(90, 98) if ok() else rng.randint(80, 89))
    if status == "certified":
        w.key(2, "certified_on", _date(rng, 220, 330))
    w.items(0, "research", [{"date": _date(rng, 100, 340), "title": "党建带关建的实践与思考", "kind": "paper"}] if ok() else [])
    w.items(0, "care_platforms", [{"name": n, "services": s, "established": dt.date(rng.randint(2012, 2023), 9, 1)}
                                  for n, s in rng.sample(CARE, rng.randint(1, 2))] if ok() else [])
    return code, _slip(w.text(), rng)


def _slip(text: str, rng: random.Random) -> str:
    """About one record in 25 carries a data error of the kind people make."""
    roll = rng.random()
    if roll < 0.01:
        return text.replace("2024-03-", "2024年3月", 1) if "2024-03-" in text else text.replace("2024-0", "2024年0", 1)
    if roll < 0.02:
        return text.replace("读懂中国", "读懂中国活动", 1)
    if roll < 0.03:
        return text.replace("\n  sign:", "\n  sing:", 1)
    if roll < 0.04:
        return text.replace("students: ", "students: 约", 1)
    return text


def generate(count: int, out: Path, seed: int = 2024) -> list[Path]:
    """Write `count` records under `out/<district>/`, replacing what was there; returns the paths."""
    if out.exists():
        shutil.rmtree(out)
    rng = random.Random(seed)
    paths = []
    for index in range(count):
        code, text = school(index, rng)
        folder = out / code[:3]
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{code}.yaml"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("count", type=int, help="how many records")
    parser.add_argument("out", type=Path, help="folder to write them into (replaced)")
    parser.add_argument("--seed", type=int, default=2024)
    args = parser.parse_args()
    paths = generate(args.count, args.out, args.seed)
    size = sum(p.stat().st_size for p in paths)
    print(f"{len(paths)} records, {size / 1e6:.1f} MB, {size / max(1, len(paths)) / 1e3:.1f} KB each, in {args.out}")


if __name__ == "__main__":
    main()
