{{/* Name of the chart, overridable. */}}
{{- define "konstruct.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Fully qualified app name: the release name, plus the chart name unless it already has it. */}}
{{- define "konstruct.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "konstruct.selectorLabels" -}}
app.kubernetes.io/name: {{ include "konstruct.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "konstruct.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "konstruct.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/* "true" when an external Postgres is configured (empty string otherwise). */}}
{{- define "konstruct.externalDb" -}}
{{- if or .Values.database.url .Values.database.existingSecret }}true{{ end }}
{{- end }}

{{- define "konstruct.externalRedis" -}}
{{- if or .Values.redis.url .Values.redis.existingSecret }}true{{ end }}
{{- end }}

{{/* "true" when the chart's own Secret has something to hold. */}}
{{- define "konstruct.chartSecret" -}}
{{- if or (and .Values.config.inline (not .Values.config.existingSecret)) (and .Values.database.url (not .Values.database.existingSecret)) (and .Values.redis.url (not .Values.redis.existingSecret)) (and .Values.secretsKey.value (not .Values.secretsKey.existingSecret)) }}true{{ end }}
{{- end }}

{{/*
One env var read from a Secret: the user's existingSecret when set, else the chart's Secret when
an inline value is set, else nothing.
Args (dict): root, name (env var), spec (values block), inline (inline value), chartKey.
*/}}
{{- define "konstruct.secretEnv" -}}
{{- if .spec.existingSecret -}}
- name: {{ .name }}
  valueFrom:
    secretKeyRef:
      name: {{ .spec.existingSecret }}
      key: {{ .spec.existingSecretKey }}
{{- else if .inline -}}
- name: {{ .name }}
  valueFrom:
    secretKeyRef:
      name: {{ include "konstruct.fullname" .root }}
      key: {{ .chartKey }}
{{- end -}}
{{- end -}}

{{/* Refuse configurations that would lose data or split the state. */}}
{{- define "konstruct.validate" -}}
{{- $db := include "konstruct.externalDb" . }}
{{- if and (gt (int .Values.replicaCount) 1) (not (and $db (include "konstruct.externalRedis" .))) }}
{{- fail "replicaCount > 1 requires an external database (database.*) and Redis (redis.*)" }}
{{- end }}
{{- if and $db (not (or .Values.secretsKey.value .Values.secretsKey.existingSecret)) }}
{{- fail "with an external database, set secretsKey.existingSecret (or secretsKey.value): a generated key would live on an emptyDir and be lost on restart" }}
{{- end }}
{{- end }}
