"""Working-day and job endpoints, and the translation of service errors into API errors."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.exceptions import APIException, NotFound, PermissionDenied, ValidationError
from rest_framework.response import Response

from . import permissions as perms
from .jobs import job_reap_if_silent
from .selectors import work_calendar
from .workdays import CalendarRangeError
from .workflow import Conflict


class FieldsBuiltOnce:
    # For a serializer that only writes answers: its fields are built once per class instead of on every request.
    # A ModelSerializer derives its fields from the model each time it is made (field mapping, deep copies of the
    # declared fields): about 0.9 ms of the case detail API's request, several times what writing the answer takes
    # (issue 17). Here every instance uses the fields of one template instance of its class, made without an object or
    # a context. Reading an answer changes no field, so threads may share them. Only for serializers whose fields read
    # nothing from the context (no request, no hyperlinks) and that never validate input.
    # (A comment, not a docstring: the API schema would take a docstring as every such serializer's description.)

    @property
    def fields(self):
        cls = type(self)
        built = cls.__dict__.get("_fields_built_once")
        if built is None:
            # Built outside the attribute first: another thread sees either nothing or the finished fields.
            built = super(FieldsBuiltOnce, cls()).fields
            cls._fields_built_once = built
        return built


class ChoiceLabel(serializers.CharField):
    # The label of a choice (`source="get_<field>_display"`), called directly: DRF inspects the signature of a bound
    # method on every read to learn whether it may call it (inspect.signature, about 0.1 ms a field; issue 17).
    # Output only, as the answers that use it.

    def get_attribute(self, instance):
        return getattr(instance, self.source)()


class ConflictError(APIException):
    """409: someone else changed or created the thing first (core.workflow.Conflict)."""

    status_code = 409
    default_detail = "数据已被他人修改，请刷新后再操作"
    default_code = "conflict"


def raise_api_error(exc: DjangoValidationError | DjangoPermissionDenied):
    """Re-raise a service's error as the API's: 403 with the reason, 409 for a conflict with someone else's
    change, or 400 naming the fields."""
    if isinstance(exc, DjangoPermissionDenied):
        raise PermissionDenied(str(exc)) from exc
    if isinstance(exc, Conflict):
        raise ConflictError({"detail": exc.messages}) from exc
    raise ValidationError(exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}) from exc


def raise_form_errors(form) -> None:
    """A page's form used at the API edge: its errors as a 400 naming each field (the page's messages)."""
    errors = {("non_field_errors" if field == "__all__" else field): [e["message"] for e in items]
              for field, items in form.errors.get_json_data().items()}
    raise ValidationError(errors)


class DueDateQuery(serializers.Serializer):
    start = serializers.DateField(help_text="受理日期 YYYY-MM-DD")
    days = serializers.IntegerField(min_value=0, max_value=1000, help_text="时限（工作日）")
    rule = serializers.ChoiceField(choices=["next_day", "next_workday"], default="next_day", required=False)


class DueDateResult(serializers.Serializer):
    start = serializers.DateField()
    days = serializers.IntegerField()
    due_date = serializers.DateField()
    provisional = serializers.BooleanField(help_text="跨越尚未确认的年度，结果暂定")
    is_makeup_workday = serializers.BooleanField(help_text="到期日为调休上班的周末")


@extend_schema(summary="按工作日计算到期日", parameters=[DueDateQuery], responses=DueDateResult)
@api_view(["GET"])
def due_date(request):
    query = DueDateQuery(data=request.query_params)
    query.is_valid(raise_exception=True)
    data = query.validated_data
    try:
        result = work_calendar().due_date(data["start"], data["days"], rule=data.get("rule") or "next_day")
    except CalendarRangeError as exc:
        raise ValidationError({"start": [str(exc)]}) from exc
    return Response(DueDateResult({
        "start": data["start"], "days": data["days"], "due_date": result.date,
        "provisional": result.provisional, "is_makeup_workday": result.is_makeup_workday,
    }).data)


class JobSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    status = serializers.CharField()
    done = serializers.IntegerField()
    total = serializers.IntegerField()
    percent = serializers.IntegerField()
    message = serializers.CharField()
    errors = serializers.JSONField()
    result = serializers.JSONField()


@extend_schema(summary="后台任务进度", responses=JobSerializer)
@api_view(["GET"])
def job_status(request, pk: int):
    job = perms.jobs_visible_to(request.user).filter(pk=pk).first()
    if job is None:
        raise NotFound("任务不存在")
    return Response(JobSerializer(job_reap_if_silent(job)).data)


# The framework's own English answers, in the API's language (red-team walk of issue 15: "No BenefitApplication
# matches the given query." named an internal class; "CSRF Failed…", "JSON parse error…").
_CHINESE = {
    "not_found": "对象不存在或无权查看",
    "parse_error": "请求内容不是有效的 JSON",
    "not_authenticated": "未登录或登录已过期，请先登录或提供令牌",
    "authentication_failed": "令牌无效或已失效",
    "method_not_allowed": "不支持该请求方法",
    "unsupported_media_type": "不支持该请求内容类型，请使用 application/json",
    "throttled": "请求过于频繁，请稍后再试",
}


def exception_handler(exc, context):
    """DRF's handler, then every framework message that is not ours in Chinese: a 404 never names a model, a
    CSRF refusal says what to do. Our own messages (Chinese already, e.g. the services' refusals) pass as they are."""
    from django.http import Http404
    from rest_framework import exceptions
    from rest_framework.views import exception_handler as drf_handler

    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_CHINESE["not_found"])
    response = drf_handler(exc, context)
    if response is None or not isinstance(exc, exceptions.APIException):
        return response
    detail = response.data.get("detail") if isinstance(response.data, dict) else None
    if isinstance(detail, str) and not _has_chinese(detail):
        if isinstance(exc, exceptions.PermissionDenied) and "CSRF" in detail:
            response.data["detail"] = "CSRF 校验失败：请刷新页面后重试，或使用令牌调用接口"
        else:
            response.data["detail"] = _CHINESE.get(getattr(exc, "default_code", ""), "请求无法处理")
    return response


def _has_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)
