"""Question pairs for `bench.kb_recall`: an answered question, and the same question asked
again in other words, as a carrier's key-account team would ask it.

Each pair is (topic, original question, its answer, paraphrase). The paraphrases change
the words, not only their order: synonyms ("专线" for "电路"), another angle on the same need
("开通最快多久" for "资源核查要几个工作日"), colloquial against formal, English against English.

`DEV` is what the ranking was tuned on. `HELD_OUT` was written after the ranking's
parameters and lexicon were frozen, and is reported separately: tuning on the first set
and measuring on the second is the honest way to read the figures. `UNANSWERED` are
questions the knowledge base has no answer for: they measure how often deflection would
show something irrelevant.
"""

from __future__ import annotations

Pair = tuple[str, str, str, str]

DEV: list[Pair] = [
    # --- circuits / 专线 ------------------------------------------------------------------
    ("circuit", "跨域电路资源核查要几个工作日？", "资源核查 3 个工作日，核查通过后再排开通和联调，不要向客户承诺更短。", "跨域专线开通最快需要多久"),
    ("circuit", "苏州到上海的 MPLS 专线 100M 资源核查要多久？", "资源核查 3 个工作日；核查通过后开通一般 10 个工作日，跨省再加 5 个工作日。", "上海苏州之间拉一条 MPLS，核资源大概几天"),
    ("circuit", "专线带宽从 100M 升到 500M 要走什么流程？", "在 CRM 提扩容变更单，附客户盖章的变更申请；同路由扩容 5 个工作日，需换设备的另计。", "客户想把专线扩容到 500 兆，怎么办理"),
    ("circuit", "互联网专线能不能给客户固定公网 IP？", "可以，标准配 8 个固定公网 IP，多于 8 个需填 IP 地址申请表并说明用途。", "企业宽带专线有没有静态公网地址"),
    ("circuit", "专线中断了客户要求赔偿怎么处理？", "按合同 SLA 条款计算可用性，低于承诺值按月租比例赔付，需要网管的中断记录作依据。", "线路断了好几个小时，客户要索赔，按什么标准赔"),
    ("circuit", "专线搬迁到新办公楼要提前多久申请？", "移机需提前 15 个工作日提交，新址要先做资源核查，核查不通过需重新报价。", "客户公司换地址了，电路移机需要提前几天报"),
    ("circuit", "数字电路和 MPLS VPN 哪个更适合多分支的银行？", "多分支推荐 MPLS VPN，按站点计费，新增网点方便；点对点少量站点可用数字电路。", "银行网点很多，做组网是用 SDH 点对点还是 VPN 好"),
    ("circuit", "专线开通后多久可以做割接？", "开通测试报告出具后 2 个工作日内可安排割接，割接窗口一般在夜间 0 点到 6 点。", "线路测通以后什么时候能切换业务"),
    ("circuit", "跨省专线的 SLA 可用性是多少？", "跨省专线承诺 99.9% 可用性，金牌服务 99.95%，故障 4 小时内恢复。", "外省的电路能保证百分之多少不断"),
    ("circuit", "客户专线报障的电话是多少？", "拨打政企客户服务热线 10086-9，或在客户经理 App 里提交工单，7×24 小时受理。", "线路出故障了让客户找哪个号码报修"),
    ("circuit", "How long does a cross-region circuit take from order to handover?", "Resource check 3 working days, then about 10 working days to build and test; add 5 for cross-province.", "What is the lead time to deliver a leased line between two provinces?"),
    ("circuit", "Can we give the customer a temporary circuit while the fibre is being built?", "Yes, a 4G/5G backup line can be lent for up to 60 days; ask the level-1 support to reserve a router.", "Is there an interim connection option until the new fibre is ready?"),
    # --- 5G / 专网 ------------------------------------------------------------------------------
    ("5g", "5G 专网切片能保证车间的上行带宽吗？", "可以按切片签 SLA，上行保障需现场勘查后确定，一般 10 个工作日出方案。", "工厂用 5G 切片，上传速率能不能有保障"),
    ("5g", "5G 专网的报价包含哪些部分？", "包含基站改造、核心网下沉 UPF、切片服务费和运维费，按年签约。", "做一个 5G 专网，价格是怎么构成的"),
    ("5g", "园区 5G 信号覆盖不好，要怎么申请优化？", "提交网络优化工单，附覆盖测试点位；无线中心 5 个工作日内现场测试并给出方案。", "厂区里手机 5G 信号差，找谁来测试和加基站"),
    ("5g", "5G 专网的 UPF 能部署在客户机房吗？", "可以，需客户提供符合标准的机房和供电，UPF 下沉部署周期约 20 个工作日。", "核心网用户面能不能放到企业自己的机房里"),
    ("5g", "5G 专网试点可以免费试用多久？", "试点期最长 3 个月免费，试点结束前 1 个月要确认是否转正式合同。", "客户想先试试 5G 专网，有没有免费体验期"),
    ("5g", "5G 切片和普通 5G 套餐有什么区别？", "切片提供独立的资源隔离和时延保障，普通套餐与公众用户共享资源。", "为什么切片比一般 5G 卡贵，差在哪里"),
    ("5g", "港口的 5G 远程控制时延能做到多少？", "端到端时延可做到 20 毫秒以内，需要 UPF 下沉并做专用切片。", "码头龙门吊远程操控，5G 网络延迟能到多低"),
    ("5g", "How long does it take to design a 5G private network for a factory?", "A site survey plus design takes about 10 working days; delivery depends on the base stations needed.", "What's the timeline for a 5G campus network proposal?"),
    ("5g", "Can a 5G private network keep the factory's data on site?", "Yes, with a local UPF the user-plane traffic never leaves the campus.", "Will production data stay inside the plant if we use 5G?"),
    ("5g", "Is there an SLA for latency on a 5G slice?", "Yes, a slice can carry a latency and availability SLA, signed per slice per year.", "Do we guarantee delay figures on network slicing?"),
    # --- IoT cards / 物联网卡 -----------------------------------------------------------------
    ("iot", "物联网卡能不能批量设置定向流量？", "可以，批量开卡时选择定向流量包模板，2 个工作日内完成；已开卡的需走变更流程。", "一批物联卡想只允许访问指定的地址，能统一配置吗"),
    ("iot", "物联网卡批量开卡要多久？", "1 万张以内 2 个工作日，超过 1 万张需排产，约 5 个工作日。", "客户要 5000 张 IoT 卡，几天能开出来"),
    ("iot", "物联网卡被停机了怎么恢复？", "多为机卡分离或超出流量池触发停机，核实后在平台提交复机申请，1 个工作日内恢复。", "IoT 卡突然用不了了，怎么复机"),
    ("iot", "物联网卡能不能做流量池共享？", "可以，同一集团下的卡可以加入流量池按总量计费，池子最少 100 张卡。", "几百张物联卡的流量能不能合在一起用"),
    ("iot", "物联网卡的机卡绑定怎么解除？", "在物联网平台提交解绑申请，附设备更换说明，审核通过后 24 小时内解除。", "设备换了，原来锁定的 SIM 卡怎么解锁"),
    ("iot", "物联网卡销户需要什么材料？", "集团营业执照复印件、经办人身份证和盖章的销户申请，销户前要结清费用。", "客户不用这批物联卡了，注销要准备哪些资料"),
    ("iot", "NB-IoT 卡和 4G 物联网卡怎么选？", "抄表类低功耗、小流量选 NB-IoT；视频、定位等大流量选 4G 或 5G 物联网卡。", "水表项目用窄带物联网还是 Cat.1 卡合适"),
    ("iot", "How many IoT SIMs can be activated in one batch?", "Up to 10,000 per batch in 2 working days; larger orders are scheduled and take about 5.", "What's the maximum number of IoT cards we can open at once?"),
    ("iot", "Can IoT SIM cards be restricted to certain IP addresses?", "Yes, choose a whitelist data plan when the batch is opened; existing cards need a change order.", "Is it possible to limit what the IoT cards can connect to?"),
    ("iot", "Why was the customer's IoT SIM suspended?", "Usually the SIM was moved to another device or the pool ran out; check the platform and file a reactivation.", "A batch of IoT cards stopped working overnight, what happened?"),
    # --- billing / 账单与计费 ---------------------------------------------------------------------
    ("billing", "客户发票抬头错了，能不能重开？", "可以。作废原发票后在计费系统提交更正单，1 个工作日内重开；跨月需附情况说明。", "发票上的公司名称开错了，怎么重新开"),
    ("billing", "增值税专用发票多久能开出来？", "资料齐全的话 2 个工作日开出，首次开专票需先登记一般纳税人信息。", "客户要专票，几天能拿到"),
    ("billing", "客户对上月账单有异议怎么处理？", "在计费系统提交账单核查，1 个工作日内出核查结果；确有错误的次月账单冲抵。", "客户说上个月多扣钱了，怎么查"),
    ("billing", "集团客户能不能合并出一张账单？", "可以，在计费系统把各分公司账户挂到集团统付账户下，次月生效。", "几个分公司的费用能不能统一一张单子付"),
    ("billing", "客户欠费多久会停机？", "欠费超过 30 天发催缴通知，超过 60 天停机，重要客户可申请延缓停机。", "账户一直没交钱，什么时候会被停掉"),
    ("billing", "预存款可以退吗？", "未使用的预存款可以退，需提供原付款凭证，10 个工作日内原路退回。", "客户之前充的钱没用完，能退回来吗"),
    ("billing", "账单里的月租为什么和合同不一样？", "多为合同折扣未录入计费系统，提交资费核查后补录并退还差额。", "计费的月费比签的合同价高，是哪里出问题了"),
    ("billing", "滞纳金能不能减免？", "首次逾期且金额 1 万以内可由客户经理申请减免，超过需部门经理审批。", "客户晚交了几天费，违约金能不能免掉"),
    ("billing", "How do I get a copy of last year's invoices for a customer?", "Request them in the billing system under invoice reprint; copies older than 12 months take 3 working days.", "The customer needs old invoices from 2025 for an audit, where do I get them?"),
    ("billing", "Can the customer pay by bank transfer instead of direct debit?", "Yes, switch the account's payment method in the billing system; the change applies from the next bill.", "Is wire transfer accepted in place of automatic deduction?"),
    ("billing", "The customer was charged twice this month, what do we do?", "File a billing check; a confirmed duplicate charge is refunded within 10 working days.", "Duplicate charge on the statement, how do we get the money back?"),
    # --- cloud / 云专线 / IDC ------------------------------------------------------------------
    ("cloud", "云专线接入公有云要多久？", "方案评估 5 个工作日，之后按接入点资源情况约 10 个工作日开通。", "客户想把机房连到阿里云，拉云专线大概几天"),
    ("cloud", "IDC 机柜的电力能不能扩容？", "标准机柜 4.4kW，可申请扩到 8kW，需机房评估，约 5 个工作日答复。", "机房里的柜子不够电，能加功率吗"),
    ("cloud", "IDC 托管的服务器可以 24 小时进出机房吗？", "可以，需提前在门户登记人员和时间，持身份证进出。", "客户的运维人员半夜能不能进数据中心"),
    ("cloud", "上云迁移有没有免费的评估服务？", "有，云中心提供免费的迁移评估，5 个工作日出迁移方案和报价。", "客户想把系统搬到云上，能不能先帮忙免费评估一下"),
    ("cloud", "云主机能不能按月付费？", "可以按月包年包月，也可以按量计费；按月最少订购 1 个月。", "云服务器是不是一定要一次付一年"),
    ("cloud", "IDC 带宽是独享还是共享？", "默认共享带宽，可另购独享带宽，按 Mbps 月租计费。", "托管机房的出口网速是不是和别人一起用的"),
    ("cloud", "How long does a cloud private line to the IDC take?", "Solution assessment takes 5 working days; delivery after that depends on the site survey.", "When can the dedicated link from the office to the data centre be ready?"),
    ("cloud", "Do we offer colocation racks with 8 kW power?", "Standard racks are 4.4 kW; 8 kW racks are available after a power assessment of about 5 working days.", "Can a customer get a high-power cabinet in our data centre?"),
    ("cloud", "Can the customer's cloud servers be billed monthly?", "Yes, monthly subscription or pay-as-you-go; the minimum monthly term is one month.", "Is there a monthly payment option for cloud hosts?"),
    # --- SD-WAN / 组网 --------------------------------------------------------------------------
    ("sdwan", "SD-WAN 组网要多少钱一个站点？", "标准站点 CPE 加服务每月 800 元起，按带宽和站点数阶梯优惠。", "连锁门店做 SDWAN，每个门店大概什么价"),
    ("sdwan", "SD-WAN 的设备从下单到发货要几天？", "设备备货与测试 7 个工作日，批量超过 50 台需另约交期。", "SD-WAN 盒子多久能寄到分支"),
    ("sdwan", "SD-WAN 能不能和客户现有的 MPLS 混合组网？", "可以，SD-WAN 支持 MPLS 和互联网链路混合，按应用选路。", "已经有 MPLS 了，还能再叠加 SD-WAN 吗"),
    ("sdwan", "分支机构断网了 SD-WAN 能自动切换吗？", "可以，双链路时主链路故障秒级切换到备份链路，包括 4G/5G 备份。", "门店主线路坏了会不会自动切到备用"),
    ("sdwan", "SD-WAN 的控制器在哪里部署？", "控制器部署在运营商云上，客户通过门户管理，也可私有化部署。", "SD-WAN 的管理平台放在哪"),
    ("sdwan", "SD-WAN 能不能做到国外分公司？", "可以通过国际合作伙伴接入，需单独报价，交付约 20 个工作日。", "客户在海外有工厂，能不能一起组进 SD-WAN"),
    ("sdwan", "How many branches can one SD-WAN deployment support?", "Several thousand sites per controller cluster; typical key-account networks have 20–500.", "Is there a limit to the number of sites on SD-WAN?"),
    ("sdwan", "Can SD-WAN steer video conferencing traffic over the best link?", "Yes, application-aware routing sends real-time traffic over the link with the lowest loss and latency.", "Will SD-WAN prioritise Teams calls automatically?"),
    # --- pricing / 资费与合同审批 -------------------------------------------------------------------
    ("pricing", "客户要求 85 折，需要谁审批？", "85 折以下需省公司审批，走合同审批流程，约 3 个工作日。", "折扣想给到八五折，谁能批"),
    ("pricing", "合同审批一般要几天？", "市公司审批 2 个工作日，需省公司审批的再加 3 个工作日。", "签合同走审批流程大概多长时间"),
    ("pricing", "三年合同能不能给更低的资费？", "可以，三年期合同月租可在标准资费基础上再优惠 10%。", "签长约的话价格能不能再便宜点"),
    ("pricing", "合同到期了怎么续签？", "到期前 30 天在 CRM 发起续签，原资费延续需重新审批。", "协议快到期了，续约要怎么操作"),
    ("pricing", "客户能不能提前解约？", "可以，需按合同约定支付剩余期限月租的 30% 作为违约金。", "客户想中途终止合同，要赔多少"),
    ("pricing", "特价资费申请需要准备哪些材料？", "竞争对手报价截图、客户收入测算表和盖章的资费申请表。", "申请特殊价格要交什么资料"),
    ("pricing", "Who approves a discount below 85% of list price?", "The provincial office, through the contract approval flow; about 3 working days.", "The customer wants 15 percent off, who needs to sign off?"),
    ("pricing", "Can we match a competitor's quote?", "Only with provincial approval; attach the competitor's written offer and a margin calculation.", "A rival carrier offered a cheaper price, can we beat it?"),
    ("pricing", "How long does contract approval take?", "Two working days at the city office, plus three when the province must approve.", "What's the turnaround for getting a contract signed off?"),
    # --- mixed and harder ------------------------------------------------------------------------
    ("circuit", "华东制造集团的专线合同快到期了，续约价格能不能不变？", "原资费延续需重新审批；续签三年可申请再优惠 10%。", "HDMG 的电路续约能保持原价吗"),
    ("billing", "江南银行要求每月 5 号前出账单，可以吗？", "可以设置账单日，计费系统改账期后次月生效。", "JNB 想提前账单日期，能改吗"),
    ("iot", "长三角物流集团的车载物联网卡流量不够用怎么办？", "可升级到更大的流量池或加购流量包，当月生效。", "物流公司车上的 SIM 卡流量超了，怎么加"),
    ("5g", "上海第一人民医院想做 5G 急救车，有没有案例？", "有，已在 3 家三甲医院落地，可安排参观和方案交流。", "医院的 5G 救护车项目有没有做过的"),
    ("cloud", "苏州工业园区管委会的政务云能不能等保三级？", "政务云节点已通过等保三级测评，可出具测评报告。", "园区管委会上云，网络安全等级保护三级能满足吗"),
    ("circuit", "专线和宽带有什么区别？", "专线独享带宽、上下行对称、有 SLA 和固定 IP；宽带共享带宽、无 SLA。", "客户问为什么专线比普通宽带贵那么多"),
    ("billing", "发票能不能开到分公司名下？", "可以，但需分公司单独开户并提供其税号，账单同步拆分。", "分公司要自己的发票抬头，能开吗"),
    ("sdwan", "SD-WAN 的 CPE 坏了多久能换？", "备件 4 小时内送达地级市，县级 8 小时。", "分支的 SD-WAN 设备故障，多久能换新的"),
    ("iot", "物联网卡有没有实名认证的要求？", "有，物联网卡须以单位名义实名登记，并上报使用场景。", "IoT 卡需要实名吗"),
    ("pricing", "政府客户能不能走单一来源采购？", "符合条件的可以，需提供单一来源论证材料，由政企部出具说明。", "管委会这单能不能不招标直接签"),
    ("5g", "5G 专网建设需要客户提供什么条件？", "提供基站站址、电源和传输接入点，室内需提供吊顶走线条件。", "搞 5G 专网，厂里要准备些什么"),
    ("circuit", "What documents are needed to order a leased line?", "Business licence copy, the signed order form and the site contact; for cross-border lines also the usage declaration.", "Which paperwork does the customer have to provide for a new circuit?"),
]

HELD_OUT: list[Pair] = [
    ("circuit", "专线的上联端口能不能做双归属？", "可以，双归属需两条不同路由的接入，按两条专线计费。", "电路能不能接两台设备做备份"),
    ("circuit", "客户想临时提速一周，专线能做吗？", "可以申请临时提速，最短 7 天，按天计费，需提前 3 个工作日。", "搞活动期间线路带宽能不能短期加大"),
    ("circuit", "Can a circuit be upgraded without downtime?", "Upgrades on the same route need no outage; a new route needs a short cut-over window at night.", "Will the customer lose service while we increase the bandwidth?"),
    ("5g", "5G 专网能不能接入客户已有的 Wi-Fi 系统？", "可以，通过 5G CPE 转 Wi-Fi 或与现有无线控制器对接。", "厂里已经有无线网了，和 5G 怎么打通"),
    ("5g", "5G 专网的运维由谁负责？", "网络侧由运营商 7×24 运维，终端和业务系统由客户负责。", "5G 专网建好以后出了问题谁来管"),
    ("5g", "How much does a 5G slice cost per year?", "From 120,000 yuan per slice per year, depending on bandwidth and latency guarantees.", "What's the annual price of network slicing?"),
    ("iot", "物联网卡能不能发短信？", "默认不开通短信，可按需开通行业短信功能，需报备内容。", "IoT 卡收发短信要单独开吗"),
    ("iot", "物联网卡流量池月底没用完能不能结转？", "流量池当月有效，不结转；可选择按季度的流量池。", "这个月池子里剩的流量下个月还能用吗"),
    ("iot", "How do I check the data usage of an IoT card?", "On the IoT platform, per card or per pool, updated hourly.", "Where can the customer see how much data each SIM has used?"),
    ("billing", "客户要求账单按项目拆分可以吗？", "可以在计费系统按成本中心拆分账户，次月生效。", "能不能按项目分别出费用清单"),
    ("billing", "电子发票和纸质发票效力一样吗？", "一样，电子发票可直接报销入账，纸质发票需邮寄。", "客户财务问电子票能不能报销"),
    ("billing", "Why is there a late fee on the customer's bill?", "The previous bill was paid after the due date; a first late fee under 10,000 can be waived on request.", "The customer paid a few days late, can the penalty be removed?"),
    ("cloud", "云专线能不能做两条冗余？", "可以做双线双接入点冗余，按两条计费，可用性 99.99%。", "连云的链路想要备份线路"),
    ("cloud", "IDC 机房能不能提供上架服务？", "提供代上架、布线和巡检服务，按次收费。", "服务器到了机房谁帮忙装上去"),
    ("cloud", "Can the customer move servers between our data centres?", "Yes, a migration order with a 10 working day plan, downtime agreed in advance.", "Is relocating hosted equipment to another IDC possible?"),
    ("sdwan", "SD-WAN 能不能做上网行为管理？", "可以叠加安全增值包，支持应用识别和访问控制。", "门店员工上网能不能管控"),
    ("sdwan", "SD-WAN 开通需要分支现场有人配合吗？", "设备即插即用，现场只需插线通电，远程自动开局。", "装 SD-WAN 要不要派工程师去每个门店"),
    ("sdwan", "What bandwidth does an SD-WAN branch need?", "10–50 Mbps covers most branches; video-heavy sites need 100 Mbps or more.", "How fast should each branch's link be for SD-WAN?"),
    ("pricing", "报价单的有效期是多久？", "标准报价有效期 30 天，特价审批通过的 60 天。", "给客户的报价能保留多长时间"),
    ("pricing", "合同里能不能加违约赔偿条款？", "可以按标准 SLA 附件约定赔偿，非标条款需法务审核。", "客户要求在协议里写赔付，允许吗"),
    ("pricing", "Can the contract be signed electronically?", "Yes, through the e-contract platform with the customer's digital seal.", "Does the customer need to sign the paper agreement in person?"),
    ("circuit", "专线资源核查不通过怎么办？", "可改用其他路由或无线接入方案重新核查，需重新报价。", "查下来没有资源，还有什么办法接进去"),
    ("billing", "客户想把话费和专线费合并缴纳可以吗？", "可以挂到集团统付账户，统一出账缴费。", "手机费和线路费能不能一起交"),
    ("5g", "5G 专网能不能先小范围试点再扩大？", "可以，先在一个车间试点，验收后按期扩展。", "5G 先在一条产线上试试行不行"),
]

# Questions the knowledge base has no answer for: deflection should show nothing.
UNANSWERED: list[tuple[str, str]] = [
    ("circuit", "北京机房的光纤割接窗口是哪天"),
    ("5g", "卫星电话能不能接入 5G 专网"),
    ("iot", "物联网卡能不能用在海外的集装箱上"),
    ("billing", "客户想用数字人民币付款"),
    ("cloud", "云桌面能不能支持 Mac 电脑"),
    ("sdwan", "SD-WAN 能不能和友商的防火墙联动"),
    ("pricing", "给医院的报价能不能含三年维保"),
    ("circuit", "Does the customer's building have a second fibre entry?"),
    ("5g", "Can 5G be used inside a mine shaft?"),
    ("billing", "Can we invoice in US dollars?"),
    ("cloud", "Do we support GPU servers for AI training?"),
    ("pricing", "Is there a referral bonus for new customers?"),
    ("iot", "物联网卡的芯片能不能定制外观"),
    ("sdwan", "分支的打印机怎么共享"),
    ("circuit", "专线机房的空调坏了找谁"),
    ("billing", "客户的开户行变了要不要重签合同"),
]
