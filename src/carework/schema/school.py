"""The school record, declared field by field (English keys, Chinese labels and notes).

`docs/record.md`, `templates/record-template.yaml`'s comments and `schema/school.schema.json` all follow from this
declaration; tests check that the generated files are current.
"""

from __future__ import annotations

from carework.schema.fieldtypes import Boolean, Choice, Date, Field, Integer, ListOf, Number, Option, Record, Text

#: A school code: letters, digits, - and _ (matched against the whole value).
#: The provincial self-assessment is scored out of 100 (README: Limits): a score above it is a typing slip.
SCORE_MAX = 100
CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_-]{1,31}$"

SCHOOL_KINDS = Choice(
    (
        Option("kindergarten", "幼儿园", "kindergarten"),
        Option("primary", "小学", "primary school"),
        Option("junior", "初中", "junior secondary school"),
        Option("senior", "普通高中", "senior secondary school"),
        Option("nine_year", "九年一贯制学校", "nine-year school"),
        Option("vocational", "中等职业学校", "vocational school"),
    )
)

OWNERSHIP = Choice((Option("public", "公办", "public"), Option("private", "民办", "private")))

STATUS = Choice((Option("in_service", "在职", "in service"), Option("retired", "退休", "retired")))

POSTS = Choice(
    (
        Option("party_secretary", "党组织书记", "Party secretary"),
        Option("principal", "校长（园长）", "principal"),
        Option("deputy_party_secretary", "党组织副书记", "deputy Party secretary"),
        Option("vice_principal", "副校长（副园长）", "vice-principal"),
        Option("middle_manager", "中层干部（如德育处主任）", "middle manager (e.g. head of moral education)"),
        Option("teacher", "教师", "teacher"),
        Option("other", "其他", "other"),
    )
)

ELDER_CATEGORIES = Choice(
    (
        Option("cadre", "老干部", "veteran cadre"),
        Option("soldier", "老战士", "veteran soldier"),
        Option("expert", "老专家", "veteran expert"),
        Option("teacher", "老教师", "veteran teacher"),
        Option("model", "老模范", "veteran model worker"),
    )
)

ELDER_TIERS = Choice(
    (
        Option("leader", "带头人", "leader"),
        Option("backbone", "骨干", "backbone member"),
        Option("volunteer", "志愿者", "volunteer"),
    )
)

TRAINING_TOPICS = Choice(
    (
        Option("xi_thought", "习近平新时代中国特色社会主义思想", "Xi Jinping Thought"),
        Option("congress20", "党的二十大精神", "spirit of the 20th Party Congress"),
        Option("instructions", "总书记关于关心下一代工作的重要指示", "General Secretary's instructions on next-generation work"),
        Option("deployments", "国家、省、市最新部署和要求", "latest national, provincial and city deployments"),
        Option("practice", "关工委业务", "committee practice"),
    )
)

ORGANISERS = Choice(
    (
        Option("province", "省级", "province"),
        Option("city", "市级", "city"),
        Option("district", "区级", "district"),
        Option("school", "校级", "school"),
    )
)

ACTIVITY_KINDS = Choice(
    (
        Option("lecture", "宣讲", "lecture"),
        Option("theme_education", "主题教育", "theme education"),
        Option("reading_essay", "读书征文", "reading and essay"),
        Option("walking_class", "行走的思政课", "walking ideological-political class"),
        Option("mental_health", "心理健康教育", "mental-health education"),
        Option("life_education", "生命教育", "life education"),
        Option("resilience_education", "挫折教育", "resilience education"),
        Option("care", "关爱帮扶", "care and support"),
        Option("other", "其他", "other"),
    )
)

PUBLICITY_KINDS = Choice(
    (
        Option("model", "先进典型宣传", "advanced models"),
        Option("sharing", "优质资源共享", "resource sharing"),
        Option("news", "工作宣传", "news of the work"),
    )
)

QUALITY_STATUS = Choice(
    (
        Option("not_started", "未启动", "not started"),
        Option("in_progress", "创建中", "in progress"),
        Option("self_assessed", "已自评", "self-assessed"),
        Option("district_reviewed", "区级已审核", "reviewed by the district"),
        Option("certified", "认定合格", "certified"),
    )
)

RESEARCH_KINDS = Choice((Option("paper", "工作论文", "working paper"), Option("report", "调研报告", "research report")))

NAME = Text()
PERSON_NAME = Text(person=True)

PERSON = Record(
    (
        Field("name", PERSON_NAME, "姓名", "name", required=True),
        Field("status", STATUS, "在职/退休", "in service or retired", required=True),
        Field("post", POSTS, "职务（退休的写原职务）", "post (for retirees, the former post)", required=True),
    )
)

SCHOOL = Record(
    (
        Field("code", Text(pattern=CODE_PATTERN), "学校代码", "school code", required=True,
              note_zh="全市唯一，只用字母、数字、- 和 _；文件名须为 代码.yaml",
              note_en="unique in the city; letters, digits, - and _ only; the file must be named CODE.yaml"),
        Field("name", NAME, "学校全称", "full name", required=True),
        Field("district", NAME, "所属区（县、市）", "district", required=True),
        Field("kind", SCHOOL_KINDS, "学校类型", "kind of school", required=True),
        Field("ownership", OWNERSHIP, "办学性质", "ownership", note_zh="不填视为公办", note_en="public if left out"),
        Field("updated", Date(), "本记录最近更新日期", "date this record was last updated"),
        Field(
            "committee",
            Record(
                (
                    Field("established", Date(), "关工委成立时间", "date the committee was set up"),
                    Field("director", PERSON, "主任", "director"),
                    Field("executive_deputies", ListOf(PERSON), "常务副主任", "executive deputy directors",
                          note_zh="分管领导（在职）和老同志（退休）各一名", note_en="one in-service leader and one retiree"),
                    Field("secretaries_general", ListOf(PERSON), "秘书长", "secretaries-general",
                          note_zh="“双配置”：在职、退休各一名", note_en="dual configuration: one in service, one retired"),
                    Field("member_offices", ListOf(Record((
                        Field("office", NAME, "成员部门", "member office", required=True),
                        Field("duties_written", Boolean(), "职责是否成文", "duties in writing"),
                    ))), "成员部门", "member offices"),
                    Field("deliberation_rules", Boolean(), "成员部门议事制度是否成文", "written deliberation rules"),
                    Field("succession_plan", Boolean(), "“五老”接续机制是否成文", "written succession plan for the five elders"),
                )
            ),
            "关工委组织", "the committee",
        ),
        Field("elders", ListOf(Record((
            Field("name", PERSON_NAME, "姓名", "name", required=True),
            Field("category", ELDER_CATEGORIES, "类别", "category", required=True),
            Field("tier", ELDER_TIERS, "队伍", "team", required=True),
            Field("party_member", Boolean(), "是否党员", "Party member"),
            Field("former_cadre", Boolean(), "是否退休干部", "retired cadre"),
            Field("excellent_teacher", Boolean(), "是否优秀教师（特级、名师、骨干等）", "excellent teacher"),
            Field("resident", Boolean(), "是否驻会", "keeps office hours at the committee"),
            Field("joined", Date(), "加入时间", "date joined"),
            Field("left", Date(), "退出时间（仍在则不填）", "date left (blank if still active)"),
        ))), "“五老”名册", "five-elders roster"),
        Field("trainings", ListOf(Record((
            Field("date", Date(event=True), "日期", "date", required=True),
            Field("title", NAME, "名称", "title", required=True),
            Field("organiser", ORGANISERS, "主办层级", "organised by"),
            Field("topics", ListOf(TRAINING_TOPICS), "内容", "topics"),
            Field("attendees", ListOf(PERSON_NAME), "参加人员姓名", "names of attendees"),
        ))), "学习培训（含轮训）", "study and training"),
        Field("party_study", ListOf(Record((
            Field("date", Date(event=True), "日期", "date", required=True),
            Field("topic", NAME, "主题", "topic"),
            Field("attendees", ListOf(PERSON_NAME), "参加的关工委人员和“五老”姓名", "committee staff and elders who attended"),
        ))), "参加党组织开展的学习培训", "Party-organisation study sessions attended"),
        Field("party_building", Record((
            Field("in_party_plan", Boolean(), "关工委工作是否纳入党组织年度工作计划", "committee work in the Party organisation's plan"),
            Field("annual_plan", Boolean(), "是否有关工委年初工作计划", "start-of-year committee plan"),
            Field("year_end_summary", Boolean(), "是否有年终工作总结", "year-end summary"),
        )), "党建带关建", "Party building drives committee building"),
        Field("party_hearings", ListOf(Record((
            Field("date", Date(event=True), "日期", "date", required=True),
            Field("topic", NAME, "议题", "topic"),
            Field("minutes", Boolean(), "是否有会议纪要", "minutes kept"),
        ))), "党组织听取关工委工作汇报", "Party organisation hears committee reports"),
        Field("duty_reports", ListOf(Record((
            Field("name", PERSON_NAME, "述职人姓名", "who reported", required=True),
            Field("date", Date(event=True), "日期", "date", required=True),
        ))), "关工委在职领导年度述职", "annual duty reports of in-service leaders"),
        Field("office_meetings", ListOf(Record((
            Field("date", Date(event=True), "日期", "date", required=True),
            Field("topic", NAME, "议题", "topic"),
            Field("minutes", Boolean(), "是否有会议纪要", "minutes kept"),
        ))), "成员部门议事会议", "member-office meetings"),
        Field("budget", ListOf(Record((
            Field("year", Integer(minimum=1990, maximum=2100), "年度", "year", required=True),
            Field("amount", Number(minimum=0), "金额（元）", "amount (yuan)", required=True),
            Field("in_school_budget", Boolean(), "是否单列纳入学校年度预算", "a line of the school's annual budget"),
        ))), "关工委工作经费（按年度）", "committee funds by year"),
        Field("office", Record((
            Field("dedicated", Boolean(), "是否有专门办公场所", "dedicated office"),
            Field("sign", Boolean(), "是否挂牌", "sign on the door"),
            Field("equipment", ListOf(NAME), "办公设备", "office equipment"),
            Field("archives", Boolean(), "是否有工作档案（台账）", "files kept"),
        )), "办公场所和办公条件", "office and equipment"),
        Field("allowances", ListOf(Record((
            Field("name", PERSON_NAME, "驻会老同志姓名", "resident veteran", required=True),
            Field("year", Integer(minimum=1990, maximum=2100), "年度", "year", required=True),
            Field("amount", Number(minimum=0), "金额（元）", "amount (yuan)", required=True),
        ))), "驻会老同志工作补贴", "work allowances of resident veterans"),
        Field("publicity", ListOf(Record((
            Field("date", Date(event=True), "日期", "date", required=True),
            Field("title", NAME, "标题", "title", required=True),
            Field("kind", PUBLICITY_KINDS, "类别", "kind", required=True),
        ))), "宣传与资源共享", "publicity and resource sharing"),
        Field("lecturers", ListOf(Record((
            Field("name", PERSON_NAME, "姓名", "name", required=True),
            Field("elder", Boolean(), "是否“五老”", "one of the five elders"),
        ))), "讲师团成员", "lecturer group"),
        Field("activities", ListOf(Record((
            Field("date", Date(event=True), "日期", "date", required=True),
            Field("title", NAME, "活动名称", "title", required=True),
            Field("kind", ACTIVITY_KINDS, "活动类别", "kind", required=True),
            Field("campaign", Text(vocabulary="campaigns"), "所属主题活动（见模板中的列表）", "campaign (see the list in the template)"),
            Field("students", Integer(minimum=0), "参加学生人数", "students taking part"),
            Field("elders", Integer(minimum=0), "参加“五老”人数", "elders taking part"),
            Field("partners", ListOf(NAME), "协同部门（卫健、民政、妇联、公检法、团委等）", "partner departments"),
            Field("evidence", ListOf(NAME), "佐证材料（文件名或链接）", "evidence (file names or links)"),
        ))), "活动", "activities"),
        Field("readers", ListOf(Text(vocabulary="readers")), "使用的青少年修身读本", "local self-cultivation readers in use"),
        Field("quality", Record((
            Field("batch", Integer(minimum=1, maximum=9), "优质化建设创建批次（未列入不填）", "quality-construction batch (blank if none)"),
            Field("status", QUALITY_STATUS, "创建状态", "status"),
            Field("self_assessment_date", Date(), "自查自评日期", "self-assessment date"),
            Field("self_score", Number(minimum=0, maximum=SCORE_MAX), "自评得分（百分制）", "self-assessment score (out of 100)"),
            Field("certified_on", Date(), "认定合格日期", "date certified"),
        )), "关工委优质化建设", "quality construction"),
        Field("research", ListOf(Record((
            Field("date", Date(event=True), "日期", "date", required=True),
            Field("title", NAME, "题目", "title", required=True),
            Field("kind", RESEARCH_KINDS, "类别", "kind", required=True),
        ))), "工作论文和调研报告", "working papers and research reports"),
        Field("care_platforms", ListOf(Record((
            Field("name", NAME, "平台名称", "name", required=True),
            Field("services", ListOf(NAME), "提供的服务", "services offered"),
            Field("established", Date(), "建立时间", "date set up"),
        ))), "关爱工作平台", "care platforms"),
        Field("rectifications", ListOf(Record((
            Field("rule", Text(), "整改的规则编号（如 S2-12）", "the rule the gap is about (e.g. S2-12)", required=True),
            Field("measure", NAME, "整改措施", "what is being done", required=True),
            Field("person", PERSON_NAME, "责任人", "the person responsible", required=True),
            Field("due", Date(future=True), "整改时限", "due date", required=True),
            Field("done", Date(), "完成日期（未完成不填）", "date done (blank until done)"),
            Field("note", NAME, "完成情况说明", "how it was done"),
        ))), "整改台账", "rectification ledger",
              note_zh="每个正在整改的未达标项一条；过了整改时限仍未达标为“整改逾期”，填了完成日期仍未达标为“整改未见效”",
              note_en="one item for each gap being fixed; past its due date and still failing it is overdue, marked done "
                      "while the gap remains it is ineffective"),
    )
)
