"""The portal's two languages: which one a visitor reads (the `lang` cookie set by the
switch, else Accept-Language), and every label in both."""

from __future__ import annotations

from collections.abc import Callable

LANGUAGES = ("en", "fr")
COOKIE = "lang"

MESSAGES: dict[str, dict[str, str]] = {
    "site_title": {"en": "Open data", "fr": "Données ouvertes"},
    "skip": {"en": "Skip to content", "fr": "Aller au contenu"},
    "catalogue": {"en": "Catalogue", "fr": "Catalogue"},
    "dashboard": {"en": "Dashboard", "fr": "Tableau de bord"},
    "api_docs": {"en": "API", "fr": "API"},
    "other_language": {"en": "Français", "fr": "English"},
    "search": {"en": "Search", "fr": "Rechercher"},
    "search_label": {"en": "Search the datasets", "fr": "Rechercher dans les jeux de données"},
    "search_hint": {"en": "Words from titles, descriptions, keywords or column names",
                    "fr": "Mots des titres, descriptions, mots-clés ou noms de colonnes"},
    "results": {"en": "{n} datasets", "fr": "{n} jeux de données"},
    "no_results": {"en": "No dataset matches. Try fewer words or remove a filter.",
                   "fr": "Aucun jeu de données ne correspond. Essayez moins de mots ou "
                         "retirez un filtre."},
    "filters": {"en": "Filters", "fr": "Filtres"},
    "apply": {"en": "Apply", "fr": "Appliquer"},
    "clear": {"en": "Clear all", "fr": "Tout effacer"},
    "theme": {"en": "Theme", "fr": "Thème"},
    "publisher": {"en": "Publisher", "fr": "Éditeur"},
    "format": {"en": "Format", "fr": "Format"},
    "update_frequency": {"en": "Update frequency", "fr": "Fréquence de mise à jour"},
    "has_map": {"en": "Has a map", "fr": "Avec carte"},
    "sort": {"en": "Sort by", "fr": "Trier par"},
    "sort_relevance": {"en": "Relevance", "fr": "Pertinence"},
    "sort_updated": {"en": "Recently updated", "fr": "Mis à jour récemment"},
    "sort_downloads": {"en": "Most downloaded", "fr": "Les plus téléchargés"},
    "last_update": {"en": "Last update", "fr": "Dernière mise à jour"},
    "records": {"en": "records", "fr": "enregistrements"},
    "quality_grade": {"en": "Quality", "fr": "Qualité"},
    "formats": {"en": "Formats", "fr": "Formats"},
    "page_of": {"en": "Page {page} of {pages}", "fr": "Page {page} sur {pages}"},
    "previous": {"en": "Previous", "fr": "Précédent"},
    "next": {"en": "Next", "fr": "Suivant"},
    "pagination": {"en": "Pages", "fr": "Pages"},
    "fresh": {"en": "Up to date", "fr": "À jour"},
    "overdue": {"en": "Overdue", "fr": "En retard"},
    "no_schedule": {"en": "No update schedule", "fr": "Sans calendrier de mise à jour"},
    "freshness": {"en": "Freshness", "fr": "Fraîcheur"},
    "overdue_since": {"en": "Expected by {date}; not updated since.",
                      "fr": "Attendu au plus tard le {date}; pas de mise à jour depuis."},
    "fresh_until": {"en": "Next update expected by {date}.",
                    "fr": "Prochaine mise à jour attendue au plus tard le {date}."},
    "description": {"en": "Description", "fr": "Description"},
    "about": {"en": "About this dataset", "fr": "À propos de ce jeu de données"},
    "licence": {"en": "Licence", "fr": "Licence"},
    "contact": {"en": "Contact", "fr": "Contact"},
    "keywords": {"en": "Keywords", "fr": "Mots-clés"},
    "version": {"en": "Version", "fr": "Version"},
    "published": {"en": "Published", "fr": "Publié"},
    "quality_card": {"en": "Quality report card", "fr": "Bulletin de qualité"},
    "dimension": {"en": "Dimension", "fr": "Dimension"},
    "score": {"en": "Score", "fr": "Note"},
    "summary": {"en": "Summary", "fr": "Résumé"},
    "not_assessed": {"en": "not assessed", "fr": "non évalué"},
    "recommendations": {"en": "Recommendations", "fr": "Recommandations"},
    "no_quality": {"en": "No quality report card.", "fr": "Aucun bulletin de qualité."},
    "dictionary": {"en": "Data dictionary", "fr": "Dictionnaire de données"},
    "column": {"en": "Column", "fr": "Colonne"},
    "type": {"en": "Type", "fr": "Type"},
    "unit": {"en": "Unit", "fr": "Unité"},
    "allowed_values": {"en": "Allowed values", "fr": "Valeurs permises"},
    "preview": {"en": "Preview", "fr": "Aperçu"},
    "preview_filter": {"en": "Filter the preview", "fr": "Filtrer l'aperçu"},
    "preview_search": {"en": "Contains the words", "fr": "Contient les mots"},
    "any_value": {"en": "any", "fr": "toutes"},
    "showing_rows": {"en": "Rows {first}–{last} of {total}",
                     "fr": "Lignes {first} à {last} sur {total}"},
    "about_total": {"en": "about", "fr": "environ"},
    "no_rows": {"en": "No row matches these filters.",
                "fr": "Aucune ligne ne correspond à ces filtres."},
    "bad_filter": {"en": "This filter cannot be applied: {problem}",
                   "fr": "Ce filtre ne peut pas être appliqué : {problem}"},
    "versions": {"en": "Version history", "fr": "Historique des versions"},
    "what_changed": {"en": "What changed", "fr": "Changements"},
    "first_version": {"en": "First publication", "fr": "Première publication"},
    "records_change": {"en": "{sign}{n} records", "fr": "{sign}{n} enregistrements"},
    "columns_added": {"en": "columns added: {names}", "fr": "colonnes ajoutées : {names}"},
    "columns_removed": {"en": "columns removed: {names}",
                        "fr": "colonnes retirées : {names}"},
    "same_columns": {"en": "same columns", "fr": "mêmes colonnes"},
    "downloads": {"en": "Downloads", "fr": "Téléchargements"},
    "size": {"en": "Size", "fr": "Taille"},
    "checksum": {"en": "SHA-256", "fr": "SHA-256"},
    "download": {"en": "Download", "fr": "Télécharger"},
    "metadata_links": {"en": "Metadata", "fr": "Métadonnées"},
    "api_examples": {"en": "Use it from code", "fr": "L'utiliser dans du code"},
    "anonymization": {"en": "How personal information was protected",
                      "fr": "Protection des renseignements personnels"},
    "anon_removed": {"en": "Removed: {names}.", "fr": "Retirées : {names}."},
    "anon_generalized": {"en": "Made less precise: {names}.",
                         "fr": "Rendues moins précises : {names}."},
    "anon_pseudonymized": {"en": "Replaced by pseudonyms: {names}.",
                           "fr": "Remplacées par des pseudonymes : {names}."},
    "anon_masked": {"en": "Masked: {names}.", "fr": "Masquées : {names}."},
    "anon_redacted": {"en": "Personal details blanked out of the text of: {names}.",
                      "fr": "Renseignements personnels effacés du texte de : {names}."},
    "anon_aggregated": {"en": "Exact locations replaced by the area: {names}.",
                        "fr": "Emplacements exacts remplacés par le secteur : {names}."},
    "anon_k": {"en": "Every combination of {qi} is shared by at least {k} records, so no "
                     "one can be singled out by them.",
               "fr": "Chaque combinaison de {qi} est partagée par au moins {k} "
                     "enregistrements : personne ne peut être isolé par elles."},
    "anon_suppressed": {"en": "{n} records were withheld because they were too rare.",
                        "fr": "{n} enregistrements trop rares ont été retenus."},
    "anon_none": {"en": "No anonymization report was recorded.",
                  "fr": "Aucun rapport d'anonymisation n'a été enregistré."},
    "provenance": {"en": "Where this version comes from", "fr": "Provenance de cette version"},
    "source_files": {"en": "Source files", "fr": "Fichiers sources"},
    "file": {"en": "File", "fr": "Fichier"},
    "ingested_at": {"en": "Ingested (UTC)", "fr": "Chargé (UTC)"},
    "dbt_models": {"en": "dbt models", "fr": "Modèles dbt"},
    "code_version": {"en": "Code version", "fr": "Version du code"},
    "built_by_run": {"en": "Built by Dagster run", "fr": "Construit par l'exécution Dagster"},
    "published_by_run": {"en": "Published by Dagster run",
                         "fr": "Publié par l'exécution Dagster"},
    "subscribe": {"en": "Get an e-mail when this dataset changes",
                  "fr": "Recevoir un courriel quand ce jeu de données change"},
    "subscribe_button": {"en": "Subscribe", "fr": "S'abonner"},
    "email": {"en": "E-mail address", "fr": "Adresse courriel"},
    "subscribe_note": {"en": "We send a link to confirm first. Your address is used only "
                             "for these notices and deleted when you unsubscribe.",
                       "fr": "Nous envoyons d'abord un lien de confirmation. Votre adresse "
                             "sert uniquement à ces avis et est supprimée au désabonnement."},
    "subscribe_sent": {"en": "Check your inbox: we sent a link to {email} to confirm.",
                       "fr": "Consultez votre boîte : un lien de confirmation a été envoyé "
                             "à {email}."},
    "subscribe_already": {"en": "{email} already receives the notices of this dataset.",
                          "fr": "{email} reçoit déjà les avis de ce jeu de données."},
    "subscribe_wait": {"en": "A confirmation link was sent to {email} a few minutes ago; "
                             "please use that one.",
                       "fr": "Un lien de confirmation a été envoyé à {email} il y a quelques "
                             "minutes; veuillez utiliser celui-là."},
    "subscribe_invalid": {"en": "This is not an e-mail address.",
                          "fr": "Ce n'est pas une adresse courriel."},
    "too_many": {"en": "Too many requests from your connection; try again in an hour.",
                 "fr": "Trop de demandes de votre connexion; réessayez dans une heure."},
    "mail_failed": {"en": "The confirmation could not be sent: {problem}",
                    "fr": "La confirmation n'a pas pu être envoyée : {problem}"},
    "confirmed": {"en": "Subscription confirmed: you will get an e-mail each time {title} "
                        "is published.",
                  "fr": "Abonnement confirmé : vous recevrez un courriel à chaque "
                        "publication de {title}."},
    "unknown_link": {"en": "This link is unknown or was already used to unsubscribe.",
                     "fr": "Ce lien est inconnu ou a déjà servi au désabonnement."},
    "unsubscribe_question": {"en": "Stop the e-mails about {title} to {email}?",
                             "fr": "Arrêter les courriels sur {title} à {email}?"},
    "unsubscribe_button": {"en": "Unsubscribe and delete my address",
                           "fr": "Me désabonner et supprimer mon adresse"},
    "unsubscribed": {"en": "Unsubscribed: your address was deleted.",
                     "fr": "Désabonnement fait : votre adresse a été supprimée."},
    "subscriptions": {"en": "Subscription", "fr": "Abonnement"},
    "back_to_dataset": {"en": "Back to the dataset", "fr": "Retour au jeu de données"},
    "usage_admin": {"en": "Usage (last 30 days)", "fr": "Utilisation (30 derniers jours)"},
    "usage_admin_note": {"en": "Visitors are counted per day from a hash under a salt that "
                                "is deleted the next day; no address is stored.",
                         "fr": "Les visiteurs sont comptés par jour à partir d'une empreinte "
                               "salée dont le sel est supprimé le lendemain; aucune adresse "
                               "n'est conservée."},
    "usage_per_day": {"en": "Requests per day", "fr": "Requêtes par jour"},
    "usage_breakdown": {"en": "By dataset, kind, format and endpoint",
                        "fr": "Par jeu de données, type, format et point d'accès"},
    "day": {"en": "Day", "fr": "Jour"},
    "dataset": {"en": "Dataset", "fr": "Jeu de données"},
    "kind": {"en": "Kind", "fr": "Type"},
    "endpoint": {"en": "Endpoint", "fr": "Point d'accès"},
    "requests": {"en": "Requests", "fr": "Requêtes"},
    "requests_nav": {"en": "Request data", "fr": "Demander des données"},
    "report_nav": {"en": "Transparency report (PDF)", "fr": "Rapport de transparence (PDF)"},
    "requests_title": {"en": "Dataset requests", "fr": "Demandes de jeux de données"},
    "request_intro": {"en": "Ask for data the city does not publish yet, or support a "
                            "request with your vote.",
                      "fr": "Demandez des données que la ville ne publie pas encore, ou "
                            "appuyez une demande par votre vote."},
    "request_new": {"en": "Request a dataset", "fr": "Demander un jeu de données"},
    "request_what": {"en": "What data would you like?",
                     "fr": "Quelles données souhaitez-vous?"},
    "request_why": {"en": "What would you use it for? (optional)",
                    "fr": "À quoi vous serviraient-elles? (facultatif)"},
    "email_optional": {"en": "E-mail, to get the answer (optional; deleted once answered)",
                       "fr": "Courriel, pour recevoir la réponse (facultatif; supprimé une "
                             "fois la réponse envoyée)"},
    "send": {"en": "Send", "fr": "Envoyer"},
    "upvote": {"en": "Support ({n})", "fr": "Appuyer ({n})"},
    "status_open": {"en": "Open", "fr": "Ouverte"},
    "status_answered": {"en": "Answered", "fr": "Répondue"},
    "status_fulfilled": {"en": "Published", "fr": "Publiée"},
    "status_declined": {"en": "Declined", "fr": "Refusée"},
    "answer": {"en": "Answer", "fr": "Réponse"},
    "fulfilled_by": {"en": "See the dataset", "fr": "Voir le jeu de données"},
    "request_thanks": {"en": "Thank you: your request is listed below.",
                       "fr": "Merci : votre demande figure ci-dessous."},
    "request_invalid": {"en": "Please describe the data in 3 to 200 characters.",
                        "fr": "Veuillez décrire les données en 3 à 200 caractères."},
    "no_requests": {"en": "No request yet.", "fr": "Aucune demande pour l'instant."},
    "feedback": {"en": "Tell us about this dataset", "fr": "Donnez-nous votre avis"},
    "feedback_message": {"en": "Your message (an error, a missing field, a use you made)",
                         "fr": "Votre message (une erreur, un champ manquant, un usage)"},
    "feedback_thanks": {"en": "Thank you: the open data team will read your message.",
                        "fr": "Merci : l'équipe des données ouvertes lira votre message."},
    "feedback_invalid": {"en": "Please write a message of 3 to 4000 characters.",
                         "fr": "Veuillez écrire un message de 3 à 4000 caractères."},
    "admin_requests": {"en": "Requests and feedback", "fr": "Demandes et commentaires"},
    "link_dataset": {"en": "Fulfilled by dataset (slug)",
                     "fr": "Comblée par le jeu de données (identifiant)"},
    "status": {"en": "Status", "fr": "État"},
    "save_answer": {"en": "Answer", "fr": "Répondre"},
    "answered_mailed": {"en": "Answer recorded; the requester was told by e-mail.",
                        "fr": "Réponse enregistrée; la personne a été avisée par courriel."},
    "answered_no_mail": {"en": "Answer recorded (no e-mail was given).",
                         "fr": "Réponse enregistrée (aucun courriel fourni)."},
    "has_email": {"en": "e-mail given", "fr": "courriel fourni"},
    "candidate": {"en": "candidate {n}, prepared {date}", "fr": "candidat {n}, préparé le {date}"},
    "checks": {"en": "Checks", "fr": "Vérifications"},
    "passed": {"en": "passed", "fr": "réussie"},
    "failed": {"en": "failed", "fr": "échouée"},
    "signoffs": {"en": "Sign-offs", "fr": "Approbations"},
    "usage": {"en": "Use in the last 30 days", "fr": "Utilisation des 30 derniers jours"},
    "api_calls": {"en": "API calls", "fr": "Appels à l'API"},
    "page_views": {"en": "Page views", "fr": "Pages vues"},
    "visitors": {"en": "Visitors (per day)", "fr": "Visiteurs (par jour)"},
    "map": {"en": "Map", "fr": "Carte"},
    "map_note": {"en": "The first {n} records of the latest version, by their coordinates.",
                 "fr": "Les {n} premiers enregistrements de la dernière version, selon "
                       "leurs coordonnées."},
    "choropleth_note": {"en": "Each area ({column}) coloured by the measure chosen: the "
                              "darker, the higher.",
                        "fr": "Chaque secteur ({column}) est coloré selon la mesure choisie : "
                              "plus la couleur est foncée, plus la valeur est élevée."},
    "measure": {"en": "Measure", "fr": "Mesure"},
    "show": {"en": "Show", "fr": "Afficher"},
    "measure_count": {"en": "Number of records", "fr": "Nombre d'enregistrements"},
    "measure_sum": {"en": "Total {name}", "fr": "{name}, total"},
    "measure_avg": {"en": "Average {name}", "fr": "{name}, moyenne"},
    "legend_quantiles": {"en": "Quantile classes: about as many areas in each.",
                         "fr": "Classes par quantiles : à peu près autant de secteurs dans "
                               "chacune."},
    "no_data": {"en": "no data", "fr": "aucune donnée"},
    "values_per_area": {"en": "Per area: {measure}", "fr": "Par secteur : {measure}"},
    "charts": {"en": "Charts", "fr": "Graphiques"},
    "histogram_of": {"en": "Distribution of {name}", "fr": "Répartition de {name}"},
    "per_month": {"en": "{name} per month", "fr": "{name} par mois"},
    "counts_of": {"en": "Most frequent values of {name}",
                  "fr": "Valeurs les plus fréquentes de {name}"},
    "not_found": {"en": "No published dataset of that name.",
                  "fr": "Aucun jeu de données publié de ce nom."},
    "dashboard_intro": {"en": "Key figures computed from the published datasets; each links "
                                  "to the dataset it comes from.",
                        "fr": "Chiffres clés calculés à partir des jeux de données publiés; "
                              "chacun renvoie au jeu de données d'origine."},
    "requests_per_month": {"en": "Service requests per month",
                           "fr": "Demandes de service par mois"},
    "median_response": {"en": "Median time to close a request (requests closed as done)",
                        "fr": "Délai médian de fermeture (demandes fermées comme traitées)"},
    "hours": {"en": "{n} hours", "fr": "{n} heures"},
    "closed_on_time": {"en": "Closed within {hours} hours", "fr": "Fermées en moins de {hours} "
                                                                 "heures"},
    "closed_within_target": {"en": "Closed within their request type's target ({closed} "
                                   "closed requests)",
                             "fr": "Fermées dans le délai cible de leur type de demande "
                                   "({closed} demandes fermées)"},
    "requests_per_day": {"en": "Service requests per day", "fr": "Demandes de service par jour"},
    "median_rate": {"en": "Requests per 1,000 residents: the median area",
                    "fr": "Demandes pour 1 000 habitants : le secteur médian"},
    "highest_rate": {"en": "Most requests per 1,000 residents: the {n} highest areas",
                     "fr": "Le plus de demandes pour 1 000 habitants : les {n} secteurs les "
                           "plus élevés"},
    "lowest_rate": {"en": "Fewest requests per 1,000 residents: the {n} lowest areas",
                    "fr": "Le moins de demandes pour 1 000 habitants : les {n} secteurs les "
                          "plus bas"},
    "adopted_budget": {"en": "Adopted budget", "fr": "Budget adopté"},
    "spending": {"en": "Spending", "fr": "Dépenses"},
    "adopted_budget_lower": {"en": "adopted budget", "fr": "budget adopté"},
    "budget_lower": {"en": "budget", "fr": "budget"},
    "budget_total": {"en": "{what}, all departments", "fr": "{what}, tous services"},
    "budget_total_years": {"en": "{what}, all departments, {year}",
                           "fr": "{what}, tous services, {year}"},
    "budget_by_department": {"en": "{what} by department", "fr": "{what} par service"},
    "budget_by_department_years": {"en": "{what} by department, {year}",
                                   "fr": "{what} par service, {year}"},
    "change_by_department": {"en": "Change in the {what_lower} by department",
                             "fr": "Variation du {what_lower} par service"},
    "change_by_department_years": {"en": "Change in the {what_lower} by department, from "
                                         "{previous} to {year}",
                                   "fr": "Variation du {what_lower} par service, de "
                                         "{previous} à {year}"},
    "expenses_only": {"en": " (expenses)", "fr": " (dépenses)"},
    "other_departments": {"en": "{n} other departments", "fr": "{n} autres services"},
    "busiest_types": {"en": "Busiest request types", "fr": "Types de demandes les plus "
                                                           "fréquents"},
    "per_area": {"en": "Requests per area: the {n} busiest of {of}",
                 "fr": "Demandes par secteur : les {n} plus actifs sur {of}"},
    "per_area_of": {"en": "Requests per area ({areas}): the {n} busiest of {of}",
                    "fr": "Demandes par secteur ({areas}) : les {n} plus actifs sur {of}"},
    "per_area_all": {"en": "Requests per area", "fr": "Demandes par secteur"},
    "per_area_of_all": {"en": "Requests per area ({areas})",
                        "fr": "Demandes par secteur ({areas})"},
    "chart_table": {"en": "The figures as a table", "fr": "Les chiffres sous forme de tableau"},
    "chart_category": {"en": "Category", "fr": "Catégorie"},
    "chart_value": {"en": "Value", "fr": "Valeur"},
    "source": {"en": "Source: {title}", "fr": "Source : {title}"},
    "no_figures": {"en": "No published dataset holds these figures yet.",
                   "fr": "Aucun jeu de données publié ne contient encore ces chiffres."},
    "total_requests": {"en": "Requests published", "fr": "Demandes publiées"},
    "month": {"en": "Month", "fr": "Mois"},
    "count": {"en": "Count", "fr": "Nombre"},
    "area": {"en": "Area", "fr": "Secteur"},
}

# the spec's update frequency words, as a visitor reads them
FREQUENCIES = {
    "daily": {"en": "Daily", "fr": "Quotidienne"},
    "weekly": {"en": "Weekly", "fr": "Hebdomadaire"},
    "monthly": {"en": "Monthly", "fr": "Mensuelle"},
    "quarterly": {"en": "Quarterly", "fr": "Trimestrielle"},
    "annual": {"en": "Yearly", "fr": "Annuelle"},
    "hourly": {"en": "Hourly", "fr": "Horaire"},
    "irregular": {"en": "Irregular", "fr": "Irrégulière"},
}
# the approval chain's roles and decisions, on the provenance of a version
ROLES = {
    "data_owner": {"en": "Data owner", "fr": "Responsable des données"},
    "open_data_coordinator": {"en": "Open data coordinator",
                              "fr": "Coordination des données ouvertes"},
    "privacy_reviewer": {"en": "Privacy reviewer",
                         "fr": "Examen de la protection de la vie privée"},
    "final_approver": {"en": "Final approver", "fr": "Approbation finale"},
    "approved": {"en": "approved", "fr": "approuvé"},
    "rejected": {"en": "rejected", "fr": "refusé"},
}
THEMES = {
    "government": {"en": "Government", "fr": "Administration"},
    "transport": {"en": "Transport", "fr": "Transport"},
    "environment": {"en": "Environment", "fr": "Environnement"},
    "economy": {"en": "Economy", "fr": "Économie"},
    "health": {"en": "Health", "fr": "Santé"},
    "society": {"en": "Society", "fr": "Société"},
    "finance": {"en": "Finance", "fr": "Finances"},
}


def choose_language(cookie: str | None, accept_language: str | None) -> str:
    """The visitor's switch first, then the first of our languages their browser names."""
    if cookie in LANGUAGES:
        return cookie
    ranked = []
    for position, item in enumerate((accept_language or "").split(",")):
        tag, _, params = item.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        primary = tag.strip().lower().split("-")[0]
        if primary in LANGUAGES and quality > 0:
            ranked.append((-quality, position, primary))
    return min(ranked)[2] if ranked else "en"


def translator(lang: str) -> Callable[..., str]:
    def translate(key: str, **values: object) -> str:
        text = MESSAGES[key][lang]
        return text.format(**values) if values else text
    return translate


def vocabulary_label(table: dict[str, dict[str, str]], word: str | None, lang: str) -> str:
    """A controlled word in the visitor's language; an unknown word as written."""
    if not word:
        return ""
    return table.get(word.lower(), {}).get(lang, word)


def bilingual(value: dict[str, str] | None, lang: str) -> str:
    """A spec text in the visitor's language, else the other one."""
    value = value or {}
    return value.get(lang) or value.get("en" if lang == "fr" else "fr") or ""
