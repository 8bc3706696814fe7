"""Report strings in English and Spanish (Qt-free: a dict keyed by language)."""

from __future__ import annotations

LANGUAGES = ("en", "es")

_STRINGS: dict[str, tuple[str, str]] = {
    # key: (English, Spanish)
    "title": ("Vendor neutrality assessment", "Evaluación de neutralidad del proveedor"),
    "draft": ("DRAFT", "BORRADOR"),
    "draft_note": ("Draft: not signed, not a decision.", "Borrador: sin firmar, no es una decisión."),
    "contents": ("Contents", "Índice"),
    "page": ("Page", "Página"),
    "of": ("of", "de"),
    "assessment": ("Assessment", "Evaluación"),
    "vendor": ("Vendor", "Proveedor"),
    "organisation": ("Organisation", "Organización"),
    "decision": ("Decision", "Decisión"),
    "rating": ("Rating", "Calificación"),
    "score": ("Score", "Puntuación"),
    "status": ("Status", "Estado"),
    "assessment_id": ("Assessment id", "N.º de evaluación"),
    "assessment_version": ("Assessment version", "Versión de la evaluación"),
    "template": ("Checklist template", "Plantilla de cuestionario"),
    "template_version": ("Template version", "Versión de la plantilla"),
    "as_of": ("Facts as of", "Datos a fecha de"),
    "submitted_at": ("Submitted for review", "Enviada a revisión"),
    "decided_at": ("Decided", "Decidida"),
    "next_review_due": ("Next review due", "Próxima revisión"),
    "generated_at": ("Report generated", "Informe generado"),
    "preparer": ("Preparer", "Responsable de la preparación"),
    "approver": ("Approver", "Aprobador/a"),
    "pending": ("pending", "pendiente"),
    "none": ("None.", "Ninguno."),
    "not_recorded": ("not recorded", "no registrado"),
    "yes": ("Yes", "Sí"),
    "no": ("No", "No"),
    # sections
    "sec_summary": ("Executive summary", "Resumen ejecutivo"),
    "sec_vendor": ("Vendor profile", "Perfil del proveedor"),
    "sec_ownership": ("Ownership and control", "Propiedad y control"),
    "sec_people": ("People ties", "Vínculos personales"),
    "sec_contracts": ("Contracts and key clauses", "Contratos y cláusulas clave"),
    "sec_security": ("Security and data guarantees", "Garantías de seguridad y de datos"),
    "sec_subprocessors": ("Subprocessors", "Subencargados del tratamiento"),
    "sec_answers": ("Checklist answers", "Respuestas del cuestionario"),
    "sec_evidence": ("Evidence index", "Índice de evidencias"),
    "sec_changes": ("Changes since the previous assessment", "Cambios desde la evaluación anterior"),
    "sec_method": ("Methodology and thresholds", "Metodología y umbrales"),
    "sec_signoff": ("Sign-off", "Aprobación y firma"),
    # summary
    "blockers": ("Blockers", "Bloqueantes"),
    "conditions": ("Conditions", "Condiciones"),
    "key_findings": ("Key findings", "Hallazgos clave"),
    "no_blockers": ("No blocking findings.", "No hay hallazgos bloqueantes."),
    "no_findings": ("No findings were recorded.", "No se registraron hallazgos."),
    # vendor
    "legal_name": ("Legal name", "Razón social"),
    "country": ("Country", "País"),
    "jurisdiction": ("Jurisdiction", "Jurisdicción"),
    "identifiers": ("Identifiers", "Identificadores"),
    "services": ("Services", "Servicios"),
    "tier": ("Criticality tier", "Nivel de criticidad"),
    "internal_owner": ("Internal owner", "Responsable interno"),
    "website": ("Website", "Sitio web"),
    "data_locations": ("Data locations", "Ubicaciones de los datos"),
    "tags": ("Tags", "Etiquetas"),
    # ownership
    "ownership_unavailable": ("Ownership analysis not available.", "Análisis de propiedad no disponible."),
    "chart_legend": (
        "Arrows point from owner to owned; labels give the share (economic / voting). "
        "Competitor groups are shaded red; the vendor is at the bottom.",
        "Las flechas van del propietario a la participada; las etiquetas indican la participación "
        "(económica / de voto). Los grupos competidores aparecen en rojo; el proveedor, abajo.",
    ),
    "party": ("Party", "Parte"),
    "kind": ("Kind", "Tipo"),
    "economic": ("Economic stake", "Participación económica"),
    "voting": ("Voting stake", "Derechos de voto"),
    "controls": ("Controls", "Controla"),
    "competitor": ("Competitor", "Competidor"),
    "competitor_groups": ("Competitor groups in the ownership web", "Grupos competidores en la red de propiedad"),
    "ownership_findings": ("Ownership findings", "Hallazgos de propiedad"),
    "person": ("person", "persona"),
    "entity": ("entity", "entidad"),
    "no_people_ties": ("No people ties were found.", "No se encontraron vínculos personales."),
    # contracts
    "contract": ("Contract", "Contrato"),
    "reference": ("Reference", "Referencia"),
    "period": ("Period", "Periodo"),
    "clauses": ("Key clauses", "Cláusulas clave"),
    "missing_clauses": ("Missing", "Ausentes"),
    "no_contracts": ("No contracts recorded.", "No hay contratos registrados."),
    "cl_change_of_control_termination": ("termination on change of control", "resolución por cambio de control"),
    "cl_ownership_change_notice": ("notice of ownership change", "aviso de cambio de propiedad"),
    "cl_audit_rights": ("audit rights", "derecho de auditoría"),
    "cl_exclusivity": ("exclusivity", "exclusividad"),
    "cl_data_use_restriction": ("data-use restriction", "restricción de uso de datos"),
    "cl_deletion_on_termination": ("deletion on termination", "borrado al finalizar"),
    "breach_notice": ("breach notice within {hours} h", "aviso de brecha en {hours} h"),
    "auto_renew": ("auto-renews every {months} months, notice {days} days",
                   "renovación automática cada {months} meses, preaviso {days} días"),
    # security
    "certifications": ("Certifications and attestations", "Certificaciones e informes"),
    "commitments": ("Commitments", "Compromisos"),
    "standard": ("Standard", "Norma"),
    "issuer": ("Issuer", "Emisor"),
    "scope": ("Scope", "Alcance"),
    "valid": ("Valid", "Vigencia"),
    "validity": ("Validity", "Validez"),
    "valid_ok": ("valid", "vigente"),
    "expired": ("expired", "caducada"),
    "expires_in": ("expires in {days} days", "caduca en {days} días"),
    "open_ended": ("open-ended", "sin fecha de fin"),
    "details": ("Details", "Detalles"),
    "no_certifications": ("No certifications recorded.", "No hay certificaciones registradas."),
    "no_commitments": ("No commitments recorded.", "No hay compromisos registrados."),
    "cm_logical_segregation": ("logical segregation", "segregación lógica"),
    "cm_staff_segregation": ("staff segregation", "segregación del personal"),
    "cm_information_barrier": ("information barrier", "barrera de información"),
    "cm_encryption_at_rest": ("encryption at rest", "cifrado en reposo"),
    "cm_encryption_in_transit": ("encryption in transit", "cifrado en tránsito"),
    "cm_data_residency": ("data residency", "residencia de los datos"),
    "cm_no_training_on_customer_data": ("no training on customer data", "sin entrenamiento con datos del cliente"),
    "cm_access_logging": ("access logging", "registro de accesos"),
    "cm_non_preference": ("non-preference", "no preferencia"),
    "cm_other": ("other", "otro"),
    # subprocessors
    "service": ("Service", "Servicio"),
    "customer_data": ("Customer data", "Datos del cliente"),
    "no_subprocessors": ("No subprocessors recorded.", "No hay subencargados del tratamiento registrados."),
    # answers
    "question": ("Question", "Pregunta"),
    "answer": ("Answer", "Respuesta"),
    "given_by": ("Given by", "Dada por"),
    "justification": ("Justification", "Justificación"),
    "evidence": ("Evidence", "Evidencias"),
    "severity": ("Severity", "Gravedad"),
    "unanswered": ("unanswered", "sin respuesta"),
    "src_rule": ("rule", "regla"),
    "src_preparer": ("preparer", "preparador/a"),
    "src_vendor": ("vendor", "proveedor"),
    "ans_yes": ("Yes", "Sí"),
    "ans_no": ("No", "No"),
    "ans_partial": ("Partial", "Parcial"),
    "ans_na": ("Not applicable", "No aplica"),
    "sev_blocker": ("blocker", "bloqueante"),
    "sev_major": ("major", "grave"),
    "sev_minor": ("minor", "leve"),
    "sev_info": ("info", "informativo"),
    "sev_high": ("high", "alta"),
    "sev_medium": ("medium", "media"),
    "sev_low": ("low", "baja"),
    # evidence
    "file": ("File", "Archivo"),
    "size": ("Size", "Tamaño"),
    "no_evidence": ("No evidence files.", "No hay archivos de evidencia."),
    # changes
    "first_assessment": ("This is the first assessment of this vendor.",
                         "Esta es la primera evaluación de este proveedor."),
    "previous": ("Previous assessment", "Evaluación anterior"),
    "changed_answers": ("Answers changed since then", "Respuestas cambiadas desde entonces"),
    "no_changes": ("No answers changed.", "No cambió ninguna respuesta."),
    "was": ("was", "antes"),
    # methodology
    "method_text": (
        "Each checklist question is answered by a rule computed from the recorded facts, by the preparer "
        "or by the vendor, with a justification and evidence where required. Ownership is traced through "
        "every holding chain: stakes multiply along a chain and add up across chains (economic and voting "
        "separately, ranges kept as ranges). A party whose effective stake reaches the control threshold, "
        "or who appoints the board, controls the vendor. A finding's severity sets its weight; a blocker "
        "prevents a neutral rating.",
        "Cada pregunta del cuestionario la responde una regla calculada a partir de los hechos registrados, "
        "la persona responsable de la preparación o el proveedor, con justificación y evidencias cuando se exigen. La propiedad se "
        "sigue por todas las cadenas de tenencia: las participaciones se multiplican a lo largo de una "
        "cadena y se suman entre cadenas (económicas y de voto por separado, los rangos se mantienen como "
        "rangos). Controla al proveedor quien alcanza el umbral de control o nombra al consejo. La gravedad "
        "de un hallazgo fija su peso; un bloqueante impide la calificación de neutral.",
    ),
    "bo_threshold": ("Beneficial ownership threshold", "Umbral de titularidad real"),
    "influence_threshold": ("Significant influence threshold", "Umbral de influencia significativa"),
    "control_threshold": ("Control threshold", "Umbral de control"),
    "lookback": ("People look-back period", "Periodo de revisión de cargos anteriores"),
    "months": ("{n} months", "{n} meses"),
    "review_interval": ("Review interval ({tier})", "Intervalo de revisión ({tier})"),
    # sign-off
    "signature": ("Signature", "Firma"),
    "signature_pending": ("Signature field: the approver signs here when the decision is taken.",
                          "Campo de firma: quien apruebe firma aquí al tomar la decisión."),
    "signed_note": (
        "This report is signed with a PAdES digital signature. Any change to the file after signing "
        "breaks the signature; verify it with `vetta verify`, Adobe Reader or any PDF signature validator.",
        "Este informe lleva una firma digital PAdES. Cualquier cambio en el archivo tras la firma la "
        "invalida; compruébela con `vetta verify`, Adobe Reader o cualquier validador de firmas PDF.",
    ),
    "attachment_note": ("The complete assessment record is attached to this PDF as assessment.json.",
                        "El registro completo de la evaluación va adjunto a este PDF como assessment.json."),
    # decisions / ratings / status
    "dec_approved": ("Approved", "Aprobada"),
    "dec_approved_with_conditions": ("Approved with conditions", "Aprobada con condiciones"),
    "dec_rejected": ("Rejected", "Rechazada"),
    "dec_pending": ("Pending decision", "Pendiente de decisión"),
    "rat_neutral": ("Neutral", "Neutral"),
    "rat_conditionally_neutral": ("Conditionally neutral", "Neutral con condiciones"),
    "rat_not_neutral": ("Not neutral", "No neutral"),
    "st_draft": ("draft", "borrador"),
    "st_in_review": ("in review", "en revisión"),
    "st_approved": ("approved", "aprobada"),
    "st_approved_with_conditions": ("approved with conditions", "aprobada con condiciones"),
    "st_rejected": ("rejected", "rechazada"),
    "tier_critical": ("critical", "crítico"),
    "tier_high": ("high", "alto"),
    "tier_medium": ("medium", "medio"),
    "tier_low": ("low", "bajo"),
    "vst_prospect": ("prospect", "potencial"),
    "vst_active": ("active", "activo"),
    "vst_suspended": ("suspended", "suspendido"),
    "vst_offboarded": ("offboarded", "dado de baja"),
}


def tr(lang: str, key: str, **kwargs: object) -> str:
    """The report string ``key`` in ``lang`` ('en' or 'es'); unknown keys come back as themselves."""
    pair = _STRINGS.get(key)
    if pair is None:
        return key
    text = pair[1] if lang == "es" else pair[0]
    return text.format(**kwargs) if kwargs else text


def has(key: str) -> bool:
    return key in _STRINGS


def check_lang(lang: str) -> str:
    from desktop.core import i18n as core_i18n
    from desktop.core.errors import UserError

    if lang not in LANGUAGES:
        raise UserError(core_i18n.tr("The report language {lang} is not supported; use 'en' or 'es'.",
                                     lang=repr(lang)))
    return lang
