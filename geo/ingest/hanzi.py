"""Traditional to simplified characters, one for one: a small built-in table, not OpenCC.

Only single characters whose simplified form is one character, chosen for the words of energy and planning
texts (电力, 風電, 變電站, 儲能, 規劃, 縣, 鄉, 鎮, 實施, 項目 ...); it keeps each character's position, so a match
in the simplified text maps back to the exact original characters. Phrases that convert as a whole and rare
characters are left as they are (the rules then miss them; they never misread them).
"""

_PAIRS = (
    "電电風风變变儲储能能規规劃划縣县鄉乡鎮镇實实施施項项目目發发廠厂場场設设備备區区園园業业機机線线網网"
    "裝装萬万瓦瓦兆兆千千伏伏時时級级達达於于與与為为無无產产開开關关會会過过進进還还這这個个們们來来對对"
    "將将應应當当從从現现經经總总點点動动積积極极推推廣广綠绿環环態态質质碳碳氣气熱热燃燃煤煤礦矿庫库"
    "壩坝閘闸號号條条臺台億亿溫温節节減减噸吨標标準准確确續续啟启劃划務务導导務务礎础費费資资結结構构"
    "調调峰峰蓄蓄換换車车輛辆樁桩運运輸输務务內内們们勵励試试驗验範范氫氢氣气處处燒烧圾圾垃垃廢废棄弃"
    "鍋锅爐炉軌轨鐵铁進进頭头倉仓儲储區区縣县鎮镇鄉乡莊庄灣湾壩坝嶺岭陽阳嶽岳湘湘懷怀鶴鹤瀏浏寧宁陝陕"
    "蘭兰濟济貴贵遼辽黑黑龍龙廣广東东雲云滬沪閩闽贛赣鄂鄂蘇苏蒙蒙疆疆藏藏漢汉義义華华齊齐圍围邊边護护"
    "碼码覽览圖图書书議议認认識识價价於于陸陆橋桥莊庄窯窑陰阴聯联兩两爭争創创際际術术農农漁渔沉沉陷陷"
    "屋屋頂顶裡里體体樓楼寫写計计劃划記记組组務务災灾滅灭適适選选據据億亿層层殼壳淨净慶庆熱热離离"
    "蓄蓄電电專专欄栏個个戶户類类擴扩樣样據据狀状況况統统協协態态獲获優优勢势資资穩稳續续舉举輕轻"
    "鋼钢鋁铝銅铜鋰锂鈉钠釩钒電电設设計计備备齊齐補补額额預预達达遠远違违連连週周們们過过還还邁迈"
    "並并擬拟謀谋壓压縮缩復复鏈链緊紧檢检測测種种棟栋勞劳漲涨說说論论讀读證证問问間间門门閥阀營营"
)
TRADITIONAL_TO_SIMPLIFIED: dict[str, str] = {
    _PAIRS[i]: _PAIRS[i + 1] for i in range(0, len(_PAIRS) - 1, 2) if _PAIRS[i] != _PAIRS[i + 1]
}
