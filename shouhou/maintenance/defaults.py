"""The seeds' duty lists, written into an organisation as its own (editable) checklist templates.

Seed 004 二、服务规范 1.1–1.3 (the customer-service supervisor's daily, weekly and monthly duties),
2.1–2.3 (the clerk's duties before, during and after opening hours), seed 002 工程回访及保修 16
(定期对维修用材料和工具进行核对). `auto` names a registered automatic check (checks.py), `link` the
page where the work is done.
"""

from __future__ import annotations

from shouhou.org import roles as r

TEMPLATES = [
    {
        "role": r.CS_SUPERVISOR,
        "period": "daily",
        "title": "客服主管每日工作",
        "items": [
            ("", "了解当日促销商品及促销活动的注意事项", "", ""),
            ("", "开班前会，检查客服员仪容仪表，登记缺勤、迟到", "", ""),
            ("", "检查客服员在岗情况及卫生等开店前准备工作", "", ""),
            ("", "检查客服员礼仪服务、行为规范执行情况", "", ""),
            ("", "根据促销活动要求备足促销赠品", "", ""),
            ("", "检查昨日退换货记录以及顾客投诉记录", "", "complaints:list"),
            ("", "汇同相关部门及时妥善处理顾客投诉", "", "complaints:list"),
            ("", "通知商场部门及时领回客服处的退换货商品，并做好登记", "", ""),
            ("", "昨日到期的回访全部完成", "callbacks.yesterday_done", "callbacks:my_list"),
            ("", "安排并轮换员工就餐", "", ""),
            ("", "监督客服员及时做好各类客服报表", "", ""),
            ("", "在授权范围内审批退换货款", "", ""),
        ],
    },
    {
        "role": r.CS_SUPERVISOR,
        "period": "weekly",
        "title": "客服主管每周工作",
        "items": [
            ("", "了解人员动态并及时反馈", "", ""),
            ("", "跟踪客服设备的使用、维护、维修、保养", "", ""),
            ("", "整理会员资料并建档，确保无遗漏", "", ""),
            ("", "督促客服人员做好会员回访，确保无遗漏", "", "callbacks:my_list"),
            ("", "汇总顾客投诉并作原因分析", "", "complaints:list"),
        ],
    },
    {
        "role": r.CS_SUPERVISOR,
        "period": "monthly",
        "title": "客服主管每月工作",
        "items": [
            ("", "编制员工排班表", "", ""),
            ("", "统计、汇总各类报表", "", ""),
            ("", "员工培训及考核", "", ""),
            ("", "检查、追踪客服设备的维护、维修与保养", "", ""),
            ("", "处理突发事件，确保正常工作秩序", "", ""),
            ("", "每月商品退换货原因分析", "", ""),
            ("", "检查环境卫生、个人仪容仪表", "", ""),
            ("", "配合店内各项促销活动", "", ""),
            ("", "加强现场管理，确保工作质量", "", ""),
        ],
    },
    {
        "role": r.CLERK,
        "period": "daily",
        "title": "客服员每日工作",
        "items": [
            ("营业前", "整理环境卫生", "", ""),
            ("营业前", "检查交接班本，了解管理要求、投诉与退换货处理情况", "", ""),
            ("营业前", "跟踪遗留问题并向经理反映", "", ""),
            ("营业前", "晨会记录", "", ""),
            ("营业中", "接待顾客投诉（表扬），做好登记与落实", "", "complaints:list"),
            ("营业中", "接待商品预定和退换货，做好登记与落实", "", ""),
            ("营业中", "为顾客提供营业、促销、商场与商品咨询", "", ""),
            ("营业中", "登记遗失物品并广播通知认领", "", ""),
            ("营业中", "按投诉处理机制处理客户投诉", "", "complaints:list"),
            ("营业中", "热线接听和回访工作", "", "callbacks:my_list"),
            ("营业中", "医药箱、寄存箱服务管理", "", ""),
            ("营业后", "跟踪客户服务及投诉", "", ""),
            ("营业后", "汇总当日投诉、退换货及商品预定记录交部门经理", "", ""),
            ("营业后", "顾客遗留物品登记后交经理处理", "", ""),
        ],
    },
    {
        "role": r.WORKSHOP_SUPERVISOR,
        "period": "weekly",
        "title": "维修材料和工具核对",
        "items": [
            ("", "核对维修用材料", "", ""),
            ("", "核对维修工具", "", ""),
            ("", "保养计划没有逾期的上门", "maintenance.no_overdue_visits", "maintenance:board"),
        ],
    },
]
