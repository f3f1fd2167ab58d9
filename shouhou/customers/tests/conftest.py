import pytest


@pytest.fixture
def merchant_admin(make_user, merchant):
    return make_user("merchant_admin", merchant=merchant, display_name="商户管理员")


@pytest.fixture
def technician(make_user):
    return make_user("technician", display_name="李师傅")


@pytest.fixture
def good(store):
    """Valid arguments for customer_create."""
    return {
        "name": "王小明",
        "mobile": "13812345678",
        "district": "金水区",
        "address_detail": "花园路88号3号楼2单元501",
        "province": "河南省",
        "city": "郑州市",
    }
