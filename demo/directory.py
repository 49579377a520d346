"""Demo data for the item list and the directory (一单两库): the yearly joint inspection of foreign
work permits (外国人来华工作许可) led by the city Science and Technology Bureau with the Public
Security and HR bureaus, and the Changchun employers of foreign staff it draws from. Published at
the start of last year (`demo.clock`), before last year's plan.
"""

import random
from datetime import date
from decimal import Decimal

from django.db import transaction

from backend.codes import make_uscc
from backend.organisation.models import Department
from demo import clock
from demo.accounts import CITY_REGION, DEPARTMENTS
from inspections.directory.models import (
    FOREIGN_EMPLOYER_TAG,
    Firm,
    InspectionItem,
    InspectionMethod,
    ItemCategory,
    TargetType,
)
from inspections.directory.services import (
    create_firm,
    create_item,
    publish_item_version,
    revise_item,
)
from personnel.models import EnforcementField

FIELDS = [
    # code, name, department
    ("FOREIGN_WORK", "外国人来华工作许可", "KJ"),
    ("EXIT_ENTRY", "出入境管理", "GA"),
    ("LABOR_INSPECTION", "劳动保障监察", "RS"),
]

FOREIGN_EMPLOYER_RULE = {"tag": FOREIGN_EMPLOYER_TAG, "region_code": CITY_REGION}

ITEMS = [
    {
        "department": "KJ",
        "field": "FOREIGN_WORK",
        "code": "KJ-WGR-001",
        "name": "外国人来华工作许可事项检查",
        "category": ItemCategory.GENERAL,
        "ratio_cap": Decimal("0.10"),
        "legal_basis": (
            "《中华人民共和国出境入境管理法》第四十一条、第四十三条；"
            "《外国人在中国就业管理规定》；《外国人来华工作许可服务指南（暂行）》"
        ),
        "methods": [InspectionMethod.ONSITE, InspectionMethod.DOCUMENTS],
        "frequency": "每年不少于1次",
        "checkpoints": [
            "外国人工作许可证件有效，且与用人单位、工作岗位、工作期限一致",
            "工作许可的变更、延期、注销按时办理",
            "无未经许可在本单位工作的外国人",
            "外国人按规定办理住宿登记",
        ],
    },
    {
        "department": "GA",
        "field": "EXIT_ENTRY",
        "code": "GA-CRJ-001",
        "name": "外国人住宿登记和就业情况检查",
        "category": ItemCategory.GENERAL,
        "ratio_cap": Decimal("0.10"),
        "legal_basis": "《中华人民共和国出境入境管理法》第三十九条、第四十三条、第四十五条",
        "methods": [InspectionMethod.ONSITE, InspectionMethod.OTHER_DEPARTMENT],
        "frequency": "每年不少于1次",
        "checkpoints": [
            "外国人入住后24小时内办理住宿登记",
            "发现外国人非法入境、非法居留、非法就业的，及时向公安机关报告",
            "无容留、藏匿非法入境、非法居留外国人的情形",
        ],
    },
    {
        "department": "RS",
        "field": "LABOR_INSPECTION",
        "code": "RS-LD-001",
        "name": "用人单位聘用外国人劳动用工情况检查",
        "category": ItemCategory.GENERAL,
        "ratio_cap": Decimal("0.05"),
        "legal_basis": "《外国人在中国就业管理规定》；《劳动保障监察条例》第十一条",
        "methods": [InspectionMethod.DOCUMENTS],
        "frequency": "每年1次",
        "checkpoints": [
            "与聘用的外国人依法订立劳动合同",
            "工资支付符合规定",
        ],
        # Revised before last year's inspection: social insurance was added to the checklist.
        "revision": {
            "change_reason": (
                "依据《在中国境内就业的外国人参加社会保险暂行办法》增加社会保险检查内容"
            ),
            "checkpoints": [
                "与聘用的外国人依法订立劳动合同",
                "依法为外国人办理社会保险登记并缴纳社会保险费",
                "工资支付符合规定",
            ],
            "methods": [InspectionMethod.DOCUMENTS, InspectionMethod.ONSITE],
        },
    },
]

# Changchun employers of foreign staff: brand, trade, industry, district.
EMPLOYERS = [
    ("一东", "汽车零部件", "C3670", "220104"), ("富奥", "汽车零部件", "C3670", "220106"),
    ("旭阳", "汽车零部件", "C3670", "220105"), ("博瑞", "汽车电子", "C3670", "220104"),
    ("华众", "汽车饰件", "C3670", "220112"), ("英利", "汽车部件", "C3670", "220106"),
    ("凯达", "汽车模具", "C3660", "220113"), ("长光", "光电仪器", "C4040", "220104"),
    ("禹衡", "光学仪器", "C4040", "220105"), ("奥普", "光电科技", "C4040", "220104"),
    ("希达", "电子", "C3973", "220102"), ("吉大", "软件", "I6513", "220104"),
    ("启明", "信息技术", "I6531", "220102"), ("远创", "软件", "I6513", "220103"),
    ("迪瑞", "医疗科技", "C2761", "220105"), ("金赛", "生物制药", "C2761", "220105"),
    ("百克", "生物科技", "C2761", "220105"), ("修正", "药业", "C2740", "220102"),
    ("亚泰", "医药", "C2720", "220103"), ("中研", "医学检验", "M7340", "220104"),
    ("北湖", "科技服务", "M7530", "220103"), ("净月", "工程技术研究", "M7320", "220105"),
    ("东北亚", "国际教育咨询", "P8399", "220104"), ("博思", "职业技能培训", "P8391", "220102"),
    ("艺林", "文化艺术培训", "P8393", "220104"), ("新东", "外语培训", "P8399", "220102"),
    ("香格里拉", "大酒店", "H6110", "220102"), ("华天", "酒店管理", "H6110", "220104"),
    ("欧亚", "商业连锁", "F5211", "220104"), ("卓展", "购物中心", "F5211", "220102"),
    ("明宇", "餐饮管理", "H6210", "220103"), ("樱花", "日本料理", "H6210", "220104"),
    ("首尔", "韩式餐饮", "H6210", "220105"), ("中德", "汽车销售", "F5261", "220106"),
    ("德源", "精密机械", "C3670", "220183"), ("皓月", "食品", "C1353", "220122"),
    ("雪花", "啤酒", "C1513", "220106"), ("嘉吉", "玉米加工", "C1313", "220182"),
    ("长客", "轨道客车装备", "C3711", "220103"), ("中车", "轨道交通技术", "C3712", "220113"),
    ("新松", "工业自动化", "C3670", "220104"), ("大陆", "汽车电子", "C3670", "220105"),
    ("圣戈班", "汽车玻璃", "C3670", "220106"), ("佛吉亚", "汽车座椅", "C3670", "220104"),
    ("采埃孚", "汽车传动", "C3670", "220105"), ("国信", "企业管理咨询", "L7243", "220102"),
    ("外服", "人力资源", "L7263", "220104"), ("万达", "物业管理", "K70", "220103"),
]  # fmt: skip

ORDINARY = [
    ("鸿运", "物流", "G5431", "220106"), ("宏达", "建筑工程", "E4710", "220112"),
    ("恒信", "商贸", "F51", "220103"), ("金桥", "建筑工程", "E4710", "220113"),
    ("福瑞", "超市", "F5212", "220102"), ("裕丰", "玉米加工", "C1313", "220183"),
    ("安泰", "汽车零部件", "C3670", "220184"), ("盛德", "汽车销售", "F5261", "220105"),
    ("天成", "软件", "I6513", "220104"), ("瑞祥", "餐饮管理", "H6210", "220102"),
    ("兴盛", "食品", "C1353", "220122"), ("永鑫", "商贸", "F51", "220106"),
    ("泰和", "医药", "C2720", "220103"), ("宏伟", "物流", "G5431", "220113"),
    ("润德", "酒店管理", "H6110", "220102"), ("众合", "企业管理咨询", "L7243", "220104"),
    ("东森", "房地产开发", "K70", "220105"), ("北方", "建筑工程", "E4710", "220182"),
    ("嘉和", "超市", "F5212", "220112"), ("鼎新", "信息技术", "I6531", "220104"),
]  # fmt: skip

SURNAMES = "王李张刘陈杨赵黄周吴徐孙朱高林何郭马罗梁"
GIVEN = "伟芳敏静强磊军洋勇艳杰涛明超霞平刚英华兰"
ROADS = ["人民大街", "解放大路", "自由大路", "亚泰大街", "卫星路", "前进大街", "南湖大路", "普阳街"]
RISKS = "AAAABBBBBCCD"


def _field(code: str, name: str) -> tuple[EnforcementField, bool]:
    """The enforcement field by its code, or by its name if another part named it first."""
    field = EnforcementField.objects.filter(code=code).first()
    if field is None:
        field = EnforcementField.objects.filter(name=name).first()
    if field is not None:
        return field, False
    return EnforcementField.objects.create(code=code, name=name), True


def _departments() -> dict[str, Department]:
    departments = {}
    for code, name in DEPARTMENTS:
        departments[code], _created = Department.objects.get_or_create(
            code=code, defaults={"name": name, "region_code": CITY_REGION}
        )
    return departments


def _firm_rows():
    rng = random.Random(2021)
    for index, (brand, trade, industry, district) in enumerate(EMPLOYERS + ORDINARY):
        employer = index < len(EMPLOYERS)
        form = "股份有限公司" if rng.random() < 0.15 else "有限公司"
        yield {
            "uscc": make_uscc(region=district, org_body8=f"MA1{index + 1:05d}"),
            "name": f"长春{brand}{trade}{form}",
            "target_type": TargetType.ENTERPRISE,
            "region_code": district,
            "industry_code": industry,
            "address": f"吉林省长春市{rng.choice(ROADS)}{rng.randint(1, 3999)}号",
            "legal_representative": rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
            "registered_on": date(rng.randint(1998, 2019), rng.randint(1, 12), rng.randint(1, 28)),
            "risk_class": rng.choice(RISKS),
            "abnormal_operation": rng.random() < 0.06,
            "complaints": rng.random() < 0.08,
            "tags": {FOREIGN_EMPLOYER_TAG: {"foreign_staff": rng.randint(1, 40)}}
            if employer
            else {},
        }


@transaction.atomic
def seed_directory() -> dict[str, int]:
    """The foreign-work-permit items, published, and the Changchun firms, on 4 January of last
    year. Idempotent."""
    with clock.on(date(clock.last_year(), 1, 4), 10):
        return _seed_directory()


def _seed_directory() -> dict[str, int]:
    created = {"执法领域": 0, "抽查事项": 0, "事项版本": 0, "检查对象": 0}
    departments = _departments()
    fields = {}
    for code, name, _department in FIELDS:
        fields[code], was_created = _field(code, name)
        created["执法领域"] += was_created

    for spec in ITEMS:
        if InspectionItem.objects.filter(code=spec["code"]).exists():
            continue
        spec = dict(spec)
        revision = spec.pop("revision", None)
        version = create_item(
            actor=None,
            department=departments[spec.pop("department")],
            enforcement_field=fields[spec.pop("field")],
            scope_rules=[FOREIGN_EMPLOYER_RULE],
            **spec,
        )
        publish_item_version(actor=None, version=version)
        created["抽查事项"] += 1
        created["事项版本"] += 1
        if revision:
            revised = revise_item(actor=None, item=version.item, **revision)
            publish_item_version(actor=None, version=revised)
            created["事项版本"] += 1

    rows = list(_firm_rows())
    existing = set(
        Firm.objects.filter(uscc__in=[row["uscc"] for row in rows]).values_list("uscc", flat=True)
    )
    for row in rows:
        if row["uscc"] in existing:
            continue
        create_firm(actor=None, **row)
        created["检查对象"] += 1
    return created
