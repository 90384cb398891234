"""How Chinese plans phrase energy projects: the words the rules look for, as named tables.

Nothing here names a project or a place: only heads of facility names (…电站, …变电站, …项目), the words that
say which technology a name is, the verbs and adverbs that come before a name, the wording of status and
action, and the words that make a name generic (a programme, not a facility).
"""

import re

# the end of a facility's name; longest first so 变电站 wins over 电站
HEADS = (
    "输变电及配套工程", "输变电工程", "变电站", "变电所", "升压站", "开关站", "换流站", "储能电站",
    "蓄能电站", "水电站", "光伏电站", "汇集站", "综合能源站", "能源站", "输电通道", "场址", "电站", "发电厂",
    "电厂", "热电厂", "风电场", "光伏场", "充电站", "快充站", "超充站", "充电桩", "快充桩", "换电站",
    "供热系统", "储能系统", "光伏系统", "热泵系统", "加氢站", "加气站", "接收站", "门站", "储气库",
    "储配基地", "一体站", "示范项目", "气化站",
    "项目", "工程", "基地", "试点", "线路", "管道", "管网",
)
# a grid programme's name ends in what is done to a network: "农网改造升级", "农村电网巩固提升"
GRID_WORKS = r"(?<=网)(?:建设)?(?:改造升级|升级改造|巩固提升|提升改造)"
# coal units are a facility only when worked on: "2×66万千瓦燃煤机组节能降碳改造" (not "现有燃煤机组12台")
UNIT_WORKS = r"(?:燃煤|煤电|火电)机组(?=节能|灵活性|超低|技术改造|改造|升级)"
HEAD = re.compile("|".join([*sorted(HEADS, key=len, reverse=True), GRID_WORKS, UNIT_WORKS]))
# words between two heads that make them two names, not one ("…水电站建设配套…项目")
BETWEEN_HEADS = re.compile(
    r"建设|推进|实施|开工|加快|完成|启动|配置|配建|建成|开发|利用|合理|鼓励|支持|[的并为在对将，、和及与]|"
    r"[\d一二三四五六七八九十两]+个")
# a substation written short after its voltage: 220kV中心变, 110千伏湘北变
SHORT_SUBSTATION = re.compile(r"(?:\d{2,4}(?:kV|KV|千伏))[\u4e00-\u9fff]{2,5}?变(?![电压频])")
# a name without a head, when short: 陕煤汨罗火电
WEAK_HEADS = re.compile(r"(?:火电|煤电|核电|气电|风电|光伏|水电)$")

# what makes a candidate an energy facility at all
ENERGY_WORD = re.compile(
    r"光伏|太阳能|风电|风力|风能|风储|风光|光储|光热|[农渔林牧盐茶菌]光互补|电站|多站合一|汇集站|储能|蓄能|抽蓄|水电|火电|煤电|燃煤|电厂|发电|核电|气电|燃气|天然气|LNG|液化气|油气|"
    r"生物质|焚烧发电|垃圾发电|沼气|氢|充电|换电|变电|输变电|升压站|开关站|换流站|千伏|kV|KV|输电|电力线|电网|配网|农网|热电|地热|光热|"
    r"供热|热泵|余热|新能源|清洁能源|综合能源|能源基地|能源站|电力|源网荷储|微电网|原油|成品油|输油|西气东输|岸电|储配煤|储煤|"
    r"煤炭.{0,8}储配|电气化|快充|慢充")

# (pattern on the name, category, subtype); first match wins; the head is tried before the technology
CATEGORY_RULES: tuple[tuple[re.Pattern[str], str, str], ...] = tuple((re.compile(p), c, s) for p, c, s in (
    (r"(?:变电站|变电所|升压站|开关站|换流站|汇集站|输变电(?:及配套)?工程|\d(?:kV|KV|千伏)[\u4e00-\u9fff]{2,5}变)(?:.{0,12})$",
     "substation", ""),
    (r"抽水蓄能|抽蓄", "storage", "pumped_hydro"),
    (r"压缩空气", "storage", "compressed_air"),
    (r"(?:电化学|化学|锂电|电池|钠离子|液流)储能", "storage", "battery"),
    (r"电网侧.{0,4}储能", "storage", "grid_side"),
    (r"用户侧.{0,4}储能", "storage", "user_side"),
    (r"储能", "storage", ""),
    (r"充电|换电|快充|慢充", "charging", ""),
    (r"加氢|制氢|氢能|储氢|氢气", "hydrogen", ""),
    (r"垃圾.{0,6}(?:焚烧|发电)|焚烧发电", "waste_to_energy", ""),
    (r"生物质|秸秆.{0,8}(?:发电|热电|燃料)|沼气", "biomass", ""),
    (r"农光|农业光伏|光伏农业|牧光|林光|菌光|茶光", "pv", "agrivoltaic"),
    (r"渔光|水产.{0,4}光伏", "pv", "fishery"),
    (r"尾矿|矿山.{0,6}光伏|采煤沉陷|废弃矿", "pv", "tailings"),
    (r"漂浮|水面光伏", "pv", "floating"),
    (r"光伏幕墙|光伏建筑一体化|光电建筑一体化|BIPV", "pv", "bipv"),
    (r"屋顶|厂房.{0,8}光伏|车棚", "pv", "rooftop"),
    (r"分布式.{0,4}光伏|光伏.{0,4}分布式", "pv", "distributed"),
    (r"光伏|太阳能发电|光电|盐光互补", "pv", ""),
    (r"分散式.{0,4}风", "wind", "distributed"),
    (r"海上风|海风", "wind", ""),
    (r"风电|风力发电|风能|风储", "wind", "onshore"),
    (r"核电", "nuclear", ""),
    (r"水电|水力发电|水利枢纽|梯级电站|径流", "hydro", ""),
    (r"LNG|液化天然气", "gas", "lng"),
    (r"(?:燃气|天然气).{0,6}(?:电厂|电站|发电|调峰)|燃机|气电", "gas", "power_plant"),
    (r"(?:燃气|天然气|输气|西气东输).{0,12}(?:管道|管线|长输)", "gas", "pipeline"),
    (r"(?:燃气|天然气).{0,12}(?:管网|配网|门站|站)", "gas", "distribution"),
    (r"燃气|天然气", "gas", ""),
    (r"原油|成品油|输油|岸电|储配煤|储煤|煤炭.{0,8}(?:储配|储备|运)|虚拟电厂|电气化", "other", ""),
    (r"上大压小|超低排放|灵活性改造|节能降碳改造|煤电.{0,4}改造|机组改造", "thermal", "coal_upgrade"),
    (r"火电|煤电|燃煤|电厂|发电厂", "thermal", "coal"),
    (r"特高压|(?:±\d{3,4}|1000|1100)(?:kV|KV|千伏)|\d{3,4}(?:kV|KV|千伏).{0,10}直流", "transmission", "uhv"),
    (r"线路|输电", "transmission", "ac_line"),
    (r"供热|热泵|余热|地热|热电联产", "heat", ""),
    (r"电网|配电网|农网|配网|主网|城网", "grid_programme", ""),
    (r"能源|源网荷储|微电网", "other", ""),
))

# verbs, adverbs and connectors a name never starts with; stripped from the front of an item
LEAD = re.compile(
    r"^(?:20\d\d(?:[-—至~]20\d\d)?年(?:底|前|内)?|[（(][一二三四五六七八九十\d]{1,3}[）)]|\d{1,2}[、。]|[一二三四五六七八九十]+、|加快推进|积极推进|有序推进|稳步推进|大力推进|全力推进|扎实推进|加快建设|积极开展|重点推动|重点开展|重点推进|重点建设|"
    r"增设|新增|新建(?=\d{2,4}(?:kV|KV|千伏))|先后|重点支持|大力支持|全力推动|加快实施|推进实施|开工建设|谋划建设|规划建设|启动建设|推动建成|建成投产|"
    r"加快|积极|有序|稳步|稳妥|大力|全力|重点|着力|深入|全面|继续|持续|切实|进一步|争取|力争|力促|确保|推动|推进|建设|"
    r"续建|开工|实施|开展|启动|支持|鼓励|落实|完成|谋划|规划|布局|建成|做好|完善|加强|抓好|跟进|打造|依托|推广|"
    r"实现|投产|加速|开发|配合|因地制宜|效仿|不断|积极|优化|解决|融入|助力|围绕|强力推进|合理规划|适时|竣工投产|竣工|结合|计划|拟建|配套|引进|引导|组织|促进|优化|提升|探索|新上|上马|储备|申报|争创|创建|"
    r"在|对|将|把|以|和|及|与|并|同时|其中|包括|主要|有|是|为|了|等|的|一批|一个|若干|各类|相关|全市|全县|全区|全省|"
    r"我市|我县|我区|本市|本县|本区|\d+个)+")
# words of a name that say nothing specific (a programme, not a facility)
GENERIC = re.compile(
    r"新建|改造|扩建|建设|配套|相关|重点|示范|一批|集中式|分布式|新能源|可再生能源|清洁能源|新型|智能|智慧|绿色|低碳|"
    r"公共|公用|社会|农村|城乡|乡镇|城市|城区|园区|工业|产业|企业|居民|小区|建筑|屋顶|整县|推进|发展|综合|利用|"
    r"光伏|发电|风电|风力|储能|电站|项目|工程|基地|试点|设施|系统|充电|换电|桩|站|电网|配电网|线路|管道|管网|"
    r"天然气|燃气|氢能|生物质|供热|变电|输变电|电力|能源|等|及|和|与|的|、|\d+(?:\.\d+)?(?:万千瓦|千瓦|兆瓦|MW|kV|千伏|万|个|座)?|"
    r"一定比例|一体化|互补|农光|渔光|水电|火电|煤电|核电|升压|开关|配网|主网|农网|[A-Za-z]+|[“”\"（）()]|"
    r"电动汽车|新能源汽车|汽车|电动|集中式|分散式|快充|慢充|专用|公交|老化|老旧|虚拟电厂|智能电网|以上|其中|设备|油气|"
    r"集电|双回|单回|输电")
# a name with one of these is an industry, a product or a task, not an energy facility
NOT_FACILITY = re.compile(
    r"制造|装备|生产线|产线|产业(?!园|新城|集聚区|开发区)|产品|材料|招商|检查|清理|整改|企业|研发|培训|宣传")
# a clause that lists products or equipment, not facilities: "…、箱式变电站等产品"
PRODUCT_LIST = re.compile(r"等(?:产品|设备|装备|材料|零部件|部件|器件)")
# a name that is a plan, a period, a batch or a heading, not a facility: "《方案》…四大工程",
# "“十四五”期间规划风电项目", "第二批新能源项目"; or a class of facilities: "35千伏及以上变电站"
NOT_A_NAME = re.compile(r"《|十[三四五]五”?(?:期间|规划|第)|第[一二三四五六七八九十\d]+批|"
                        r"[一二三四五六七八九十两\d]+大(?:工程|行动)|\d(?:kV|KV|千伏)及?以[上下](?:变电站|变电所|线路)$")
# what a project connects to is not a project: "最终接入…500kV某某变", "“π”接某某光伏电站至某某光伏电站"
CONNECTED_TO = re.compile(r"接入|并入|接至|送至|π”?接|T接")
# words before a name that restrict or forbid it: "严格限制新上燃煤项目"
RESTRICTED = re.compile(r"限制|禁止|严控|严禁|不得|不再|控制新")
# stock statements, not projects: "全市共有220kV变电站6座"
STOCK = re.compile(r"共有|现有|已有|拥有|累计|全市有|全县有|全区有")
# the heads of a programme's name and the verbs that put it forward ("加快推进110千伏输变电工程建设")
PROGRAMME_HEAD = re.compile(rf"(?:工程|项目|基地|系统|试点|示范|{GRID_WORKS})$")
BUILD_BEFORE = re.compile(r"(?:建设|推进|实施|推动|开展|启动|加快|完成)$")
# a build verb inside a candidate name, after a place: "在县城建设换电站" (the name is what follows)
PLACE_THEN_VERB = re.compile(r"^[^\d]{2,12}?(?:新建|建设|建成|布局)(?=.)")
MIN_SPECIFIC = 2  # characters left after the generic words: fewer and the name is a programme

# (pattern, status) on the text before and around a name; first match wins
STATUS_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(p), s) for p, s in (
    (r"竣工投资|已(?:经)?(?:建成|投产|并网|投运|完成)|建成投运了|顺利(?:投产|并网)|成功并网|已全容量", "completed"),
    (r"在建|续建|开工建设|正在建设|加快施工|已开工|新开工|开工", "under_construction"),
    (r"谋划|争取|研究|推进前期|前期工作|前期建设|储备|论证|申报|规划建设|拟建|探索|相关建设手续", "proposed"),
    (r"投入运行|运营中|正常运行|效仿", "operating"),
))
PAST_YEAR_DONE = re.compile(r"(20\d\d)年.{0,20}(?:完成|建成|投运|投产|并网)")

# (pattern on the name and what follows it, action); first match wins; default new
ACTION_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(p), a) for p, a in (
    (r"更换主变|主变.{0,2}更换|增容换主变", "transformer_replacement"),
    (r"搬迁|移址|迁建|改迁|入地", "relocation"),
    (r"扩建|二期|三期|扩容(?!改造)|扩大", "expansion"),
    (r"增效扩容|升压|升级|上大压小|提质|增容", "upgrade"),
    (r"拆除|退役|关停|淘汰", "decommission"),
    (r"改造|除险加固|整治|治理", "renovation"),
    (r"续建", "continued"),
    (r"改为|转换|替代", "conversion"),
))
# what may follow a head and still be the name (an action on the facility)
TAIL_ACTION = re.compile(
    r"^(?:“[^”]{1,8}”)?(?:第[一二三四五六七八九十\d]台主变扩建(?:工程)?|扩建第[一二三四五六七八九十\d]台主变(?:工程)?|"
    r"[#＃]\d号?主变|\d号主变|主变扩建|增容改造|技改增容|更换主变压器|更换主变|扩建\d*(?:kV|千伏)?间隔|扩建|增效扩容改造|扩容改造|节能降碳改造|技术改造|改造升级|"
    r"升级改造|改造|移址升压|移址|升压|整体搬迁建设项目|搬迁|二期|三期|除险加固工程)")

# a clause that sizes the facility named in the clause before: "，规划装机容量4×30万千瓦", "，站点初拟装机容量120万kW"
SIZE_CLAUSE = re.compile(r"^(?:项目|电站|站点|该项目|该电站)?(?:规划|设计|初拟|拟|总)?"
                         r"(?:装机容量|装机规模|总装机|装机|建设规模|规模)(?:为|约|达|达到|共)?(\d[^，。；]*)")

COUNTY_SUFFIXES = ("自治县", "自治旗", "新区", "林区", "特区", "县", "区", "市", "旗")
