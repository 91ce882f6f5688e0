from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

MAX_UPLOAD_MB = 50


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Excel 文件"),
        help_text=_("只接受 .xlsx 工作簿；可先下载模板或导出文件，修改后再上传。"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(
                _("请上传 .xlsx 格式的 Excel 文件（旧的 .xls 文件请先另存为 .xlsx）。")
            )
        if upload.size > MAX_UPLOAD_MB * 1024 * 1024:
            raise forms.ValidationError(
                _("文件超过 %(mb)s MB，请分成几个文件上传，或请管理员用命令导入。")
                % {"mb": MAX_UPLOAD_MB}
            )
        return upload


class FullExportForm(forms.Form):
    """Exporting full personal data is a reveal: the purpose is asked for and logged."""

    scope = forms.IntegerField(widget=forms.HiddenInput)
    purpose = forms.CharField(
        label=_("用途"),
        max_length=200,
        error_messages={"required": _("导出完整个人信息须填写用途。")},
        widget=forms.TextInput(attrs={"placeholder": _("如：上报县计生协核对会员名册")}),
    )
