{{/* <release>-lakeward, or the release name alone when it already says lakeward. */}}
{{- define "lakeward.name" -}}
{{- if contains "lakeward" .Release.Name }}{{ .Release.Name | trunc 63 }}{{ else }}{{ printf "%s-lakeward" .Release.Name | trunc 63 | trimSuffix "-" }}{{ end -}}
{{- end -}}
{{- define "lakeward.labels" -}}
app.kubernetes.io/name: lakeward
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}
{{/* http or https, as Trino, the probes and the ServiceMonitor must speak to the HTTP port. */}}
{{- define "lakeward.scheme" -}}{{ if .Values.tls.existingSecret }}https{{ else }}http{{ end }}{{- end -}}
