"""The demo's network and its customers' names: supply stations, places, institutions
(DESIGN.md §5.1); demo/grid.py builds the premises from them."""

from dataclasses import dataclass

from grid.models import AreaType

AREA_CODE = "0763"  # 清远's landline prefix: institutions call from desk phones


@dataclass(frozen=True)
class StationPlan:
    code: str
    name: str
    town: str  # how the station's addresses begin
    short: str  # the place name that shops and factories carry
    area_weights: dict[str, int]  # share of transformers per area type
    premises_per_transformer: tuple[int, int]
    roads: tuple[str, ...]  # urban addresses: street and number
    estates: tuple[str, ...] = ()  # urban addresses: building and flat
    villages: tuple[str, ...] = ()  # rural and remote addresses: village committees


URBAN_ROADS = (
    "和平北路", "和平中路", "和平南路", "人民路", "教育路", "建设路", "浈阳东路",
    "浈阳西路", "裕华路", "城南大道", "英州大道", "光明路", "沿江路", "公园路",
)  # fmt: skip
URBAN_ESTATES = (
    "金碧花园", "锦绣华庭", "江景豪庭", "翠湖名苑", "英州花园", "阳光新城", "华侨新村",
)  # fmt: skip
STATIONS = (
    StationPlan(
        code="YD01",
        name="英德城区供电所",
        town="英德市英城街道",
        short="英城",
        area_weights={AreaType.URBAN: 1},
        premises_per_transformer=(36, 60),
        roads=URBAN_ROADS,
        estates=URBAN_ESTATES,
    ),
    StationPlan(
        code="HST",
        name="横石塘供电所",
        town="横石塘镇",
        short="横石塘",
        area_weights={AreaType.URBAN: 15, AreaType.RURAL: 85},
        premises_per_transformer=(22, 40),
        roads=("新街", "建设路", "车站路", "横石塘大道"),
        villages=("龙华", "新联", "石桥", "黄陂", "大塘", "上坪", "长岗", "坑口", "联和", "白沙"),
    ),
    StationPlan(
        code="HG",
        name="浛洸供电所",
        town="浛洸镇",
        short="浛洸",
        area_weights={AreaType.URBAN: 20, AreaType.RURAL: 80},
        premises_per_transformer=(22, 40),
        roads=("兴华路", "人民路", "沿河路", "新兴街", "浛洸大道"),
        villages=("新洲", "鱼湾", "石角", "黄洞", "大洞", "下坝", "联丰", "横江", "竹山", "岭背"),
    ),
    StationPlan(
        code="LJK",
        name="连江口供电所",
        town="连江口镇",
        short="连江口",
        area_weights={AreaType.URBAN: 10, AreaType.RURAL: 50, AreaType.REMOTE: 40},
        premises_per_transformer=(14, 30),
        roads=("连江路", "沿江路", "圩镇新街"),
        villages=("浦竹", "黎洞", "连樟", "高桥", "鸡笼关", "石坑", "大陂", "马头", "长湖", "水西"),
    ),
)
NATURAL_VILLAGES = (
    "上围", "下围", "新屋", "老屋", "塘尾", "岭脚", "坑尾", "田心", "大坪", "寨下", "水口", "围仔",
    "石陂", "竹园", "禾塘", "黄泥塘", "松树岗", "罗屋",
)  # fmt: skip

# Hospitals, water works and the like (DESIGN §3.2: urban limits, top priority),
# as (station, customer, area type wanted, addresses): some have two meters.
INSTITUTIONS = (
    ("YD01", "英德市人民医院", AreaType.URBAN, ("和平中路118号门诊楼", "和平中路118号住院楼")),
    ("YD01", "英德市中医院", AreaType.URBAN, ("人民路66号",)),
    ("YD01", "英德市妇幼保健院", AreaType.URBAN, ("建设路20号",)),
    ("YD01", "英德市自来水厂", AreaType.URBAN, ("沿江路1号取水泵站", "沿江路1号净水车间")),
    ("YD01", "英德市城南水厂", AreaType.URBAN, ("城南大道88号",)),
    ("YD01", "英德市污水处理厂", AreaType.URBAN, ("沿江路南段9号",)),
    ("YD01", "英德市急救指挥中心", AreaType.URBAN, ("教育路3号",)),
    ("YD01", "英德市消防救援大队", AreaType.URBAN, ("英州大道210号",)),
    ("YD01", "英德市通信枢纽机房", AreaType.URBAN, ("光明路15号",)),
    ("HST", "横石塘镇卫生院", AreaType.URBAN, ("新街2号",)),
    ("HST", "横石塘镇供水站", AreaType.URBAN, ("车站路31号",)),
    ("HST", "横石塘镇敬老院", AreaType.URBAN, ("建设路45号",)),
    ("HG", "浛洸镇中心卫生院", AreaType.URBAN, ("兴华路12号",)),
    ("HG", "浛洸镇自来水厂", AreaType.URBAN, ("沿河路80号",)),
    ("HG", "浛洸镇敬老院", AreaType.URBAN, ("人民路101号",)),
    ("LJK", "连江口镇卫生院", AreaType.URBAN, ("连江路8号",)),
    ("LJK", "连江口镇供水站", AreaType.URBAN, ("沿江路22号",)),
    ("LJK", "连江口镇浦竹村卫生站", AreaType.REMOTE, ("浦竹村委会新屋村1号",)),
)
LIFE_SUPPORT_HOMES = 8  # home oxygen or ventilator users, flagged important

# Guangdong's common surnames, roughly by frequency.
SURNAMES = {
    name: weight
    for weight, names in (
        (14, ("陈",)),
        (9, ("李", "黄")),
        (6, ("梁", "张")),
        (5, ("刘", "林")),
        (4, ("何", "罗")),
        (3, ("吴", "郑", "谢", "邓")),
        (2, ("冯", "曾", "钟", "赖", "朱", "蔡", "叶", "潘", "邱", "温")),
        (1, ("巫", "范", "欧阳", "司徒")),
    )
    for name in names
}
GIVEN_NAMES = (
    "伟", "芳", "敏", "静", "丽", "强", "军", "勇", "艳", "杰", "涛",
    "秀英", "桂英", "志强", "建华", "国强", "丽华", "秀兰", "海燕", "永红", "建国", "国华", "振华",
    "文杰", "俊杰", "嘉欣", "子豪", "家乐", "晓红", "晓敏", "永强", "金凤", "水生", "亚妹", "带娣",
    "美玲", "少华", "润华", "伟东", "建明", "锦华", "丽娟", "婉婷", "梓轩", "浩然", "思琪", "雪梅",
    "惠芳", "淑贞", "炳坤", "观娣", "木生", "桂芳", "春燕", "秋菊", "汉文", "德明", "荣华", "秀珍",
    "玉兰",
)  # fmt: skip
MOBILE_PREFIXES = (
    "130", "132", "135", "137", "138", "139", "150", "152", "158", "159",
    "180", "181", "183", "186", "187", "188", "189",
)  # fmt: skip
SHOP_WORDS = ("兴旺", "百佳", "好运来", "华丰", "金满", "新力", "鸿发", "顺景", "万家", "福临")
SHOPS = ("五金店", "便利店", "饭店", "药店", "粮油店", "茶行", "汽修店", "电器行", "理发店")
TEA_WORDS = ("绿峰", "英红", "积庆", "山韵", "云岭", "翠峰", "红韵", "茗香")


@dataclass
class PremisePlan:
    """One CSV row of the demo grid, plus what the ticket plan needs to pick callers."""

    station: StationPlan
    feeder_code: str
    transformer_code: str
    area_type: str
    account_no: str
    customer_name: str
    phone: str
    address: str
    meter_no: str
    important: bool = False
    tag: str = ""  # "institution", "life_support", "business", "factory"; "" for a household

    def csv_row(self) -> tuple[str, ...]:
        return (
            self.station.code,
            self.station.name,
            self.feeder_code,
            self.transformer_code,
            self.area_type,
            self.account_no,
            self.customer_name,
            self.phone,
            self.address,
            self.meter_no,
            "true" if self.important else "false",
        )


@dataclass(frozen=True)
class Place:
    """Where one transformer's premises are: a road, a housing estate or a village."""

    area_type: str
    road: str = ""
    estate: str = ""
    village: str = ""
