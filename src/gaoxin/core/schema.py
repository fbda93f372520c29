"""The OpenAPI contract's error answers (issue 15 §9): every operation documents the errors the API really
gives, so an integrator (and schemathesis in the test suite) can rely on the status codes.

Errors are JSON objects: `{"detail": …}` for the request as a whole (a Chinese message, or a list of them), or
each field's messages under the field's name (`{"bank_account": ["请填写收款账户"]}`)."""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse

ERRORS = {
    "400": "请求有误：detail 或各字段名下的中文错误说明 (bad request: messages under detail or each field)",
    "401": "未登录或令牌无效 (not authenticated)",
    "403": "无权执行此操作，detail 说明原因 (forbidden, with the reason)",
    "404": "对象不存在或无权查看 (not found, or not yours to see)",
    "409": "与他人的修改冲突，请刷新后再操作 (conflict with someone else's change)",
}
WRITES = {"POST", "PUT", "PATCH", "DELETE"}


class GaoxinAutoSchema(AutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for code, description in ERRORS.items():
            if code == "409" and self.method not in WRITES:
                continue
            responses.setdefault(code, self._get_response_for_code(
                OpenApiResponse(response=OpenApiTypes.OBJECT, description=description), code, direction=direction))
        return responses
