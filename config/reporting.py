"""Error reports (the 500 emails and pages) never carry a customer's phone number."""

from django.views.debug import SafeExceptionReporterFilter


class ExceptionReporterFilter(SafeExceptionReporterFilter):
    """Django's filter, plus: any POST field or local variable named like a phone is hidden."""

    @staticmethod
    def _is_phone(name: str) -> bool:
        return "phone" in str(name).lower()

    def get_post_parameters(self, request):
        parameters = super().get_post_parameters(request)
        if not parameters or not any(self._is_phone(key) for key in parameters):
            return parameters
        cleansed = parameters.copy()
        for key in cleansed:
            if self._is_phone(key):
                cleansed[key] = self.cleansed_substitute
        return cleansed

    def get_traceback_frame_variables(self, request, tb_frame):
        return [
            (name, self.cleansed_substitute if self._is_phone(name) else value)
            for name, value in super().get_traceback_frame_variables(request, tb_frame)
        ]
