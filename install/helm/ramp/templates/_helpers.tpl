{{- define "ramp.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end -}}

{{- define "ramp.labels" -}}
app.kubernetes.io/part-of: ramp
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ .Chart.Name }}-{{ .Chart.Version }}
{{- end -}}

{{- define "ramp.controllerName" -}}
{{ .Release.Name }}-controller
{{- end -}}

{{- define "ramp.serviceAccountName" -}}
{{ .Values.serviceAccount.name | default (include "ramp.controllerName" .) }}
{{- end -}}

{{- define "ramp.dashboardName" -}}
{{ .Release.Name }}-dashboard
{{- end -}}
