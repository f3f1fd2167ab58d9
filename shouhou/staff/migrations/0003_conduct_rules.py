"""Load the default conduct rules of seed 000 §三 (a frozen copy of staff/conduct.py)."""

from django.db import migrations

RULES = [
    ('steps', '确认顾客定制的商品是否正确', ''),
    ('steps', '询问顾客商品使用场所、位置', ''),
    ('steps', '将服务所需大概时间告知顾客', ''),
    ('steps', '开始服务', ''),
    ('steps', '记录服务信息', ''),
    ('steps', '请顾客验收服务结果', ''),
    ('steps', '告诉顾客注意事项及其他常识', ''),
    ('steps', '做收尾工作', ''),
    ('steps', '请顾客在相关单据上签字确认', ''),
    ('steps', '服务结束后，再次感谢顾客的配合', ''),
    ('steps', '整个服务结束后，告诉顾客下一步该如何做，留下公司的联系方式，有何问题请及时与公司联系', ''),
    ('special', '未能按时到达顾客家时，先向顾客道歉，不要强调客观理由，并且马上开始为顾客服务，并尽快完成工作', ''),
    ('special', '服务遇到困难，不能马上完成时，应第一时间告知顾客，把情况解释清楚，最后提出解决方案，并征求顾客的意见', ''),
    ('special', '约好服务时间未能联系到顾客时，应在随后或最晚第二天再次与顾客联系，让顾客知道并非因为公司的原因耽误了服务，并且让顾客感到他受到重视', ''),
    ('special', '由于公司原因失约时，应无条件道歉，尽量想办法补救，降低顾客的不满', ''),
    ('language', '“我想……”或“我认为……”', '“我建议您……”'),
    ('language', '“我不知道”', '“对不起，我不太清楚，我帮您问一下，随后给您答复”'),
    ('language', '“这个我们不负责”', '“我会尽快想办法，您不要着急”'),
    ('language', '“你自己解决”', '“您看这样行吗？”'),
    ('language', '“我们只负责……，其他概不负责”', '“我尽量……”'),
    ('preparation', '始终保持微笑', ''),
    ('preparation', '称呼顾客要称呼顾客的姓，表示尊重，如：李先生', ''),
    ('preparation', '预约服务时间时要再次确认顾客所订制的产品型号及顾客姓名、电话、地址', ''),
    ('preparation', '要准时赴约已安排好的时间', ''),
    ('preparation', '服务人员出发前一定要着公司统一工装，戴帽子、手套、鞋套等，着装干净整洁', ''),
    ('preparation', '携带统一工具包，工具包内工具摆放整齐、规范', ''),
    ('preparation', '按门铃要有节奏，每次只按一下，最多按两次；敲门每次连敲三下，最多敲三次', ''),
    ('preparation', '顾客开门后面带微笑，先问好，并自报家门', ''),
    ('preparation', '随身携带《服务反馈表》，送货或安装完毕让顾客填写', ''),
    ('during', '进入顾客家未被邀请不能随便落座；禁止带与售后无关的人员进入顾客家', ''),
    ('during', '严禁在顾客家用餐、吸烟、喝酒', ''),
    ('during', '服务过程中不得影响顾客的正常生活，只做有关产品使用、保养等方面的沟通', ''),
    ('during', '安装现场工具、产品、包装箱、杂物等要摆放整齐', ''),
    ('during', '服务期间不得随意借用、翻动顾客家物品', ''),
    ('during', '在服务期间不得以任何借口乱收费', ''),
    ('after', '服务结束之后不可在顾客家逗留', ''),
    ('after', '将工作区域的物品恢复原位，地面卫生打扫干净', ''),
    ('after', '主动告诉顾客产品的使用和保养注意事项，并让顾客填写《送货安装反馈表》', ''),
    ('after', '离开时对顾客的配合表示感谢，取回顾客签字的反馈表，告诉顾客下一步的服务', ''),
    ('after', '再次告诉顾客我们的联系电话，以便顾客有任何需求可以随时联系我们', ''),
]


def load(apps, schema_editor):
    ConductRule = apps.get_model("staff", "ConductRule")
    if ConductRule.objects.exists():
        return
    ConductRule.objects.bulk_create(
        [
            ConductRule(section=section, position=i, text=text, instead=instead)
            for i, (section, text, instead) in enumerate(RULES, start=1)
        ]
    )


class Migration(migrations.Migration):
    dependencies = [("staff", "0002_assessment_attendance_conductrule_depositrefund_and_more")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
