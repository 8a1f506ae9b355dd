{{- define "lakeward.name" -}}{{ .Release.Name }}-lakeward{{- end -}}
{{- define "lakeward.labels" -}}
app.kubernetes.io/name: lakeward
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}
