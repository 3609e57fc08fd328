"""The two operations `planops demo` loads: who works on them, the work, and meeting notes.

Dates are offsets in days from the day the demo runs, so the demo looks live whenever it is
run. Everything here is plain data; `services/cli/demo.py` turns it into calls to core.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class DemoPerson:
    id: str
    display_name: str
    aliases: tuple[str, ...]
    skills: tuple[tuple[str, int], ...]
    roles: tuple[str, ...]
    cost_rate: float
    weekly_capacity_hours: float = 40.0
    working_days: tuple[int, ...] = ()
    # How late this person's work tends to run: 1.0 is the team's norm.
    slip: float = 1.0


@dataclass(frozen=True)
class DemoTask:
    key: str
    title: str
    label: str
    skill: str
    level: int
    hours: float
    start: int
    days: int
    assignee: str = ""
    after: tuple[str, ...] = ()
    priority: str = "medium"
    description: str = ""


@dataclass(frozen=True)
class DemoNotes:
    title: str
    language: str
    meeting_offset: int
    text: str


@dataclass(frozen=True)
class Operation:
    id: str
    display_name: str
    description: str
    start: int
    deadline: int
    people: tuple[DemoPerson, ...]
    tasks: tuple[DemoTask, ...]
    notes: tuple[DemoNotes, ...]
    history_id: str
    history_name: str
    # Days a task of each label tends to slip in history, on top of the person's own record.
    label_slip: dict[str, float] = field(default_factory=dict)
    # (name, first day, last day) as offsets from today; a task belongs to the one it starts in.
    iterations: tuple[tuple[str, int, int], ...] = ()


def _p(
    id: str,
    name: str,
    alias: str,
    skills: tuple[tuple[str, int], ...],
    *,
    roles: tuple[str, ...] = ("executor",),
    rate: float = 45.0,
    slip: float = 1.0,
    days: tuple[int, ...] = (),
    hours: float = 40.0,
) -> DemoPerson:
    return DemoPerson(
        id=id,
        display_name=name,
        aliases=(alias,),
        skills=skills,
        roles=roles,
        cost_rate=rate,
        weekly_capacity_hours=hours,
        working_days=days,
        slip=slip,
    )


# fmt: off
PROMO_PEOPLE = (
    _p("mei", "Mei Chen", "陈梅", (("marketing", 5), ("planning", 4), ("finance", 3)), roles=("manager",), rate=80, slip=0.8),
    _p("lin", "Lin Wei", "林伟", (("copywriting", 4), ("design", 3)), rate=48, slip=1.3),
    _p("lina", "Li Na", "李娜", (("design", 5), ("photography", 3)), rate=55),
    _p("jun", "Zhang Jun", "张军", (("ads", 4), ("analytics", 3)), roles=("executor", "reviewer"), rate=60, slip=0.9),
    _p("tao", "Sun Tao", "孙涛", (("analytics", 4), ("ads", 3), ("data", 3)), rate=58, slip=1.1),
    _p("hao", "Liu Hao", "刘浩", (("listings", 4), ("data", 3)), rate=42, slip=1.5),
    _p("yan", "Zhao Yan", "赵燕", (("listings", 3), ("copywriting", 3)), rate=40, slip=1.2),
    _p("fang", "Wang Fang", "王芳", (("customer-service", 4), ("training", 3)), rate=38, slip=0.9),
    _p("xiu", "Xu Xiu", "徐秀", (("customer-service", 3),), rate=32, hours=30),
    _p("qing", "Huang Qing", "黄青", (("logistics", 4), ("operations", 3)), rate=45, slip=1.2),
    _p("min", "Gao Min", "高敏", (("marketing", 3), ("live-streaming", 4)), rate=50, slip=1.1),
)
# fmt: on

# Not a member: the what-if panel can try adding her to the team.
# fmt: off
SPARE_PEOPLE = (
    _p("kai", "Zhou Kai", "周凯", (("design", 4), ("copywriting", 3), ("listings", 3)), roles=(), rate=65),
)
# fmt: on


def _t(
    key: str,
    title: str,
    label: str,
    skill: str,
    level: int,
    hours: float,
    start: int,
    days: int,
    who: str = "",
    after: tuple[str, ...] = (),
    priority: str = "medium",
) -> DemoTask:
    return DemoTask(key, title, label, skill, level, hours, start, days, who, after, priority)


# Launch is day +15 from today, the report and retrospective follow; the campaign started
# 25 days ago.
# fmt: off
PROMO_TASKS = (
    _t("brief", "Write the 12.12 campaign brief and sales targets", "planning", "marketing", 4, 10, -25, 2, "mei", (), "high"),
    _t("budget", "Agree the budget and discount rules with finance", "planning", "finance", 3, 8, -23, 2, "mei", ("brief",), "high"),
    _t("calendar", "Publish the campaign calendar to all teams", "planning", "planning", 3, 4, -21, 1, "mei", ("budget",)),
    _t("forecast", "Forecast demand per category from last year's sales", "planning", "analytics", 4, 14, -23, 3, "tao", ("brief",), "high"),
    _t("hero-list", "Choose the 50 hero products", "planning", "marketing", 3, 8, -20, 2, "mei", ("forecast",), "high"),
    _t("moodboard", "Creative concept and mood board", "content", "design", 4, 12, -20, 3, "lina", ("brief",)),
    _t("kv", "Design the key visual", "content", "design", 5, 20, -16, 4, "lina", ("moodboard",), "high"),
    _t("slogan", "Write the slogan and campaign copy deck", "content", "copywriting", 4, 12, -16, 3, "lin", ("moodboard",)),
    _t("photos", "Shoot and retouch hero product photos", "content", "photography", 3, 24, -14, 5, "lina", ("hero-list",)),
    _t("landing", "Build the landing page", "content", "design", 4, 18, -9, 4, "lina", ("kv", "slogan")),
    _t("banners", "Produce banners in 12 sizes", "content", "design", 3, 16, -6, 4, "lin", ("kv",)),
    _t("videos", "Cut three 15-second product videos", "content", "design", 4, 20, -4, 5, "lina", ("photos", "kv")),
    _t("email", "Write and schedule the launch e-mail and SMS", "content", "copywriting", 3, 8, 3, 3, "lin", ("slogan", "landing")),
    _t("social", "Plan the social media posts for launch week", "content", "copywriting", 3, 10, 2, 4, "yan", ("slogan",)),
    _t("catalog", "Export the catalogue and check product data", "listings", "data", 3, 10, -18, 3, "hao", ("hero-list",)),
    _t("prices", "Set promotion prices and coupon stacking rules", "listings", "listings", 4, 12, -12, 3, "hao", ("budget", "catalog"), "high"),
    _t("titles", "Rewrite titles and keywords of the hero listings", "listings", "copywriting", 3, 16, -8, 5, "yan", ("catalog", "slogan")),
    _t("images", "Upload new main images to the listings", "listings", "listings", 3, 12, -3, 4, "yan", ("photos", "titles")),
    _t("stock", "Sync stock levels for the hero products", "listings", "listings", 3, 6, 1, 2, "hao", ("prices",), "high"),
    _t("bundles", "Create bundle listings and gift-with-purchase SKUs", "listings", "listings", 4, 14, 0, 4, "hao", ("prices",)),
    _t("preview", "Check every listing in the pre-launch preview", "listings", "listings", 3, 8, 8, 2, "yan", ("images", "bundles", "stock"), "high"),
    _t("ads-plan", "Media plan and channel budget split", "ads", "ads", 4, 10, -15, 3, "jun", ("budget", "forecast"), "high"),
    _t("keywords", "Build the search keyword list", "ads", "ads", 3, 12, -10, 3, "tao", ("ads-plan", "hero-list")),
    _t("creatives", "Produce ad creatives for feeds and search", "ads", "design", 3, 16, -2, 4, "lin", ("kv", "ads-plan")),
    _t("audiences", "Set up retargeting audiences", "ads", "analytics", 3, 8, -1, 3, "tao", ("ads-plan",)),
    _t("kol", "Book KOL and live-stream slots", "ads", "marketing", 3, 12, -12, 5, "min", ("ads-plan",)),
    _t("campaigns", "Configure the ad campaigns and bids", "ads", "ads", 4, 14, 4, 3, "jun", ("keywords", "creatives", "audiences"), "high"),
    _t("tracking", "Check conversion tracking and UTM links", "ads", "analytics", 3, 6, 7, 2, "tao", ("campaigns", "landing")),
    _t("warmup", "Warm-up ads go live", "ads", "ads", 3, 4, 10, 2, "jun", ("campaigns", "tracking"), "urgent"),
    _t("livestream", "Rehearse the launch-night live stream", "ads", "live-streaming", 4, 8, 11, 2, "min", ("kol", "videos")),
    _t("faq", "Update the FAQ for shipping cut-offs and returns", "customer-service", "customer-service", 3, 8, -5, 3, "fang", ("budget",)),
    _t("scripts", "Write customer-service scripts for coupons and price protection", "customer-service", "customer-service", 4, 10, -2, 3, "fang", ("prices", "faq")),
    _t("cs-training", "Train the customer-service team", "customer-service", "training", 3, 12, 5, 2, "fang", ("scripts",), "high"),
    _t("chatbot", "Load the campaign answers into the chatbot", "customer-service", "customer-service", 3, 6, 6, 2, "xiu", ("scripts",)),
    _t("rota", "Staff the launch-weekend support rota", "customer-service", "customer-service", 3, 4, 9, 1, "xiu", ("cs-training",)),
    _t("warehouse", "Agree warehouse capacity and extra pickers", "logistics", "logistics", 4, 8, -10, 3, "qing", ("forecast",), "high"),
    _t("packaging", "Order gift packaging and inserts", "logistics", "logistics", 3, 6, -7, 2, "qing", ("kv", "warehouse")),
    _t("couriers", "Confirm courier pickup slots for peak days", "logistics", "operations", 3, 6, 2, 3, "qing", ("warehouse",), "high"),
    _t("prepack", "Pre-pack the top 10 bundles", "logistics", "operations", 3, 16, 9, 4, "qing", ("packaging", "bundles")),
    _t("go-nogo", "Go/no-go review with every team", "launch", "planning", 4, 4, 13, 1, "mei", ("preview", "warmup", "cs-training", "couriers", "email"), "urgent"),
    _t("launch", "Launch: switch prices and pages live at midnight", "launch", "listings", 4, 6, 15, 1, "hao", ("go-nogo", "prepack", "livestream", "rota", "social", "chatbot"), "urgent"),
    _t("war-room", "Run the launch-day war room and watch the dashboards", "launch", "analytics", 4, 12, 15, 2, "tao", ("go-nogo",), "high"),
    _t("report", "Write the campaign report and lessons learned", "review", "analytics", 4, 12, 18, 3, "tao", ("launch", "war-room")),
    _t("retro", "Hold the retrospective", "review", "planning", 3, 3, 21, 1, "mei", ("report",)),
)
# fmt: on

PROMO_NOTES = (
    DemoNotes(
        "Promo stand-up",
        "en",
        -1,
        """12.12 promotion stand-up

Attendees: Mei, Lin, Zhang Jun, Wang Fang, Liu Hao

- Lin will rewrite the banner copy for the landing page by Friday. High priority.
- Zhang Jun to raise the search ads budget cap before the launch weekend.
- Wang Fang needs to update the return policy answers in the FAQ by next Wednesday.
- Liu Hao will double-check the coupon stacking rules by tomorrow, urgent.
- Decision: the free-shipping threshold stays at 199 yuan.
- Question: do we need extra warehouse pickers on launch day?
- The product photo retouching is done.
""",
    ),
    DemoNotes(
        "大促周会",
        "zh",
        0,
        """12.12 大促周会纪要

参会：陈梅、林伟、王芳、孙涛、黄青

1. 王芳下周三前完成客服话术更新，重点是退换货规则。
2. 孙涛负责周五前整理直播间的数据看板，优先级高。
3. 黄青明天联系快递公司确认大促当天的揽收时间。
4. 林伟下周一前提交三套备选的短信文案。
5. 决定：满299减50的规则不变。
6. 问题：直播间是否需要再增加一名主播？
""",
    ),
)

PROMO = Operation(
    id="promo-1212",
    display_name="12.12 online promotion",
    description="The monthly e-commerce campaign: content, listings, ads and customer service "
    "for the 12.12 sale. Launch at midnight on the deadline.",
    start=-25,
    deadline=23,
    people=PROMO_PEOPLE,
    tasks=PROMO_TASKS,
    notes=PROMO_NOTES,
    history_id="promo-history",
    history_name="Promotions, last 12 months (history)",
    label_slip={"ads": 1.2, "listings": 1.4, "content": 1.1, "launch": 0.6},
    iterations=(
        ("Preparation", -25, -5),
        ("Final preparation", -4, 13),
        ("Launch and review", 14, 30),
    ),
)

# Shifts: ISO weekdays. Day shift Monday to Friday; the weekend crew Wednesday to Sunday.
WEEKDAYS = (1, 2, 3, 4, 5)
WEEKEND_CREW = (3, 4, 5, 6, 7)
EARLY_CREW = (6, 7, 1, 2, 3)

# fmt: off
MAINT_PEOPLE = (
    _p("gang", "Chen Gang", "陈刚", (("maintenance", 5), ("planning", 4)), roles=("manager",), rate=70, slip=0.8),
    _p("lei", "Wu Lei", "吴磊", (("electrical", 4), ("plc", 4)), rate=52, days=WEEKDAYS),
    _p("jun-he", "He Jun", "何军", (("mechanical", 4), ("welding", 3)), rate=50, slip=1.2, days=WEEKEND_CREW),
    _p("li-ma", "Ma Li", "马丽", (("hydraulics", 4), ("mechanical", 3)), rate=50, slip=1.1, days=WEEKDAYS),
    _p("peng", "Guo Peng", "郭鹏", (("electrical", 3), ("mechanical", 2)), rate=44, slip=1.4, days=EARLY_CREW),
    _p("hong", "Zhu Hong", "朱红", (("procurement", 4), ("stores", 4)), rate=40, slip=1.6, days=WEEKDAYS),
    _p("ming", "Lu Ming", "陆明", (("quality", 4), ("operations", 3)), roles=("executor", "reviewer"), rate=55, slip=0.9),
    _p("wei", "Tang Wei", "唐伟", (("operations", 3), ("maintenance", 2)), rate=36, days=WEEKEND_CREW),
)
# fmt: on

# (machine, fault, repair skill, level, repair hours, parts lead days, technician)
# fmt: off
FAULTS = (
    ("CNC-3", "spindle vibration above limit", "mechanical", 4, 10, 4, "jun-he"),
    ("Press line 2", "hydraulic leak at the main cylinder", "hydraulics", 4, 12, 3, "li-ma"),
    ("Conveyor B", "drive motor overheating", "electrical", 3, 6, 2, "peng"),
    ("Compressor 1", "pressure drops under load", "mechanical", 3, 8, 3, "jun-he"),
    ("Moulding M7", "barrel heater zone 3 fails", "electrical", 4, 6, 2, "lei"),
    ("Packing robot", "gripper position error", "plc", 4, 8, 0, "lei"),
    ("Boiler pump", "feed pump seal worn", "hydraulics", 3, 10, 5, "li-ma"),
    ("Paint booth", "exhaust fan bearing noise", "mechanical", 3, 6, 2, "peng"),
)
# fmt: on


def _maintenance_tasks() -> tuple[DemoTask, ...]:
    tasks: list[DemoTask] = []
    for n, (machine, fault, skill, level, hours, lead, tech) in enumerate(FAULTS):
        day = -8 + n * 2
        k = f"wo{n + 1}"
        urgent = "urgent" if n in (1, 4) else "high"
        tasks += [
            _t(
                f"{k}-report",
                f"{machine}: fault report — {fault}",
                "fault-report",
                "operations",
                2,
                1,
                day,
                1,
                "wei",
                (),
                urgent,
            ),
            _t(
                f"{k}-order",
                f"{machine}: raise the work order and diagnose",
                "work-order",
                "maintenance",
                3,
                3,
                day + 1,
                1,
                "gang",
                (f"{k}-report",),
                urgent,
            ),
            _t(
                f"{k}-parts",
                f"{machine}: request and receive spare parts",
                "parts",
                "procurement",
                3,
                2,
                day + 2,
                max(1, lead),
                "hong",
                (f"{k}-order",),
            ),
            _t(
                f"{k}-repair",
                f"{machine}: on-site repair",
                "repair",
                skill,
                level,
                hours,
                day + 2 + max(1, lead),
                2,
                tech,
                (f"{k}-parts",),
                urgent,
            ),
            _t(
                f"{k}-accept",
                f"{machine}: test run and acceptance",
                "acceptance",
                "quality",
                3,
                2,
                day + 4 + max(1, lead),
                1,
                "ming",
                (f"{k}-repair",),
            ),
        ]
    tasks += [
        _t(
            "pm-plan",
            "Plan the quarterly preventive maintenance",
            "preventive",
            "planning",
            4,
            8,
            2,
            3,
            "gang",
            (),
            "medium",
        ),
        _t(
            "pm-lube",
            "Lubrication round on all conveyors",
            "preventive",
            "mechanical",
            2,
            12,
            6,
            3,
            "jun-he",
            ("pm-plan",),
        ),
        _t(
            "pm-ir",
            "Infrared scan of the electrical cabinets",
            "preventive",
            "electrical",
            3,
            8,
            6,
            2,
            "lei",
            ("pm-plan",),
        ),
        _t(
            "pm-report",
            "Preventive maintenance report to the plant manager",
            "preventive",
            "planning",
            3,
            4,
            12,
            1,
            "gang",
            ("pm-lube", "pm-ir"),
        ),
    ]
    return tuple(tasks)


MAINT_NOTES = (
    DemoNotes(
        "Maintenance morning meeting",
        "en",
        -1,
        """Maintenance morning meeting

- He Jun will replace the CNC-3 spindle bearings by Thursday, urgent.
- Zhu Hong to chase the supplier for the Press line 2 cylinder seals by tomorrow.
- Lu Ming needs to sign off the Conveyor B test run by Friday.
- Guo Peng will check the paint booth fan vibration next Monday.
- Decision: night shift covers the compressor until the repair is accepted.
- Question: do we keep a spare gripper for the packing robot?
""",
    ),
    DemoNotes(
        "设备维修周会",
        "zh",
        0,
        """设备维修周会纪要

1. 吴磊周五前完成注塑机M7加热圈的更换，紧急。
2. 马丽下周二前检查锅炉给水泵的密封件。
3. 朱红明天提交包装机器人备件的采购申请。
4. 陆明负责周四前完成压机2号线的验收记录。
5. 决定：周末由何军值班。
6. 问题：空压机是否需要增加一台备用机？
""",
    ),
)

MAINTENANCE = Operation(
    id="maint-line",
    display_name="Plant maintenance: line faults and repairs",
    description="Equipment faults from report to acceptance: work order, parts, on-site repair "
    "and test run, by technicians on day, early and weekend shifts.",
    start=-8,
    deadline=22,
    people=MAINT_PEOPLE,
    tasks=_maintenance_tasks(),
    notes=MAINT_NOTES,
    history_id="maint-history",
    history_name="Maintenance work orders, last 12 months (history)",
    label_slip={"parts": 1.8, "repair": 1.2, "acceptance": 0.7, "fault-report": 0.3},
    iterations=(("Fortnight 1", -8, 5), ("Fortnight 2", 6, 22)),
)

OPERATIONS = (PROMO, MAINTENANCE)
