"""The Chinese opening of the generated documents (docs/record.md, docs/rules.md): how to read their tables, for a
reader who reads no English. `carework.rules.docs.generated` puts it before the English reference."""

from __future__ import annotations

RECORD = """\
# 学校记录的全部字段

每所学校一个 YAML 文件，放在 `data/schools/`，文件名是学校代码（如 `TN-XX-001.yaml`）。最方便的开始方式是运行
`carework new 学校代码 --name 学校全称 --district 区 --kind 类型`，生成的文件里每一项后面都有中文说明，照着填即可。
不知道的项目可以不填：没有的列表视为空，没有的值视为未知（需要它的规则会列为未达标）。

下面的表列出全部字段（表头是英文，各列的意思如下）：

- **field**（字段）：写在冒号前面的英文名；`[]` 表示列表，`a[].b` 表示列表 `a` 每一条里的 `b`；
- **type**（类型）：`text` 文字；`date` 日期，写成 `2024-03-15`（“counted in the plan year” 表示只算工作要点那一年的）；
  `true/false` 是/否；`integer` 整数；`number` 数字；`one of` 从列出的选项中选一个，写英文值或它后面的中文名称都可以；
  `list of …` 列表，每条一行，以“- ”开头；`list of records` 每条包含几个子项；`mapping` 一组子项；
- **required**（必填）：`yes` 表示这一项必须填写；
- **中文说明**：这一项填什么；**meaning** 是它的英文。

"""

RULES = """\
# 工作要点的全部规则

下面按工作要点的五个部分，列出每一条可以检查的要求及其依据的原文（表头是英文，各列的意思如下）：

- **id**（编号）：如 `S2-12`；`carework explain S2-12` 显示这条规则的全部（原文、适用范围、检查方法、整改办法）；
  以 `T` 开头的是全市、各区的总体目标（如“全市近 60%”）；
- **severity**（程度）：`error` 必须、`warning` 应当、`advice` 建议；`bureau` 是教育局层面的职责，学校的记录反映不了，
  列出来是为了和原文一一对应，不逐校检查；
- **requirement**（要求）：中文在前，英文在后；**source**（原文）：工作要点中的原句；**reading**（解读）：怎样理解原文。

“Check kinds” 一节是写规则用的检查类型；“Settings”（参数）是从实际工作中借用的数值（如记录多少天没有更新算“未更新”），
教育局可以在工作要点文件 `data/plans/2024.yaml` 里修改。

"""

PREFACES = {"record.md": RECORD, "rules.md": RULES}
