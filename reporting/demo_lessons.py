"""The demo's lessons learned: lessons of closed and running projects, and what the project
managers of new projects made of those suggested to them.

Each lesson is written in its project's language (French or English, as the project's name).
Lessons are found again by their project and title, feedback by its project and lesson, so a
second load creates nothing.
"""

import datetime
from typing import NamedTuple

from projects.choices import ENDED_PHASES, KnowledgeArea, LessonPolarity, LessonSource
from projects.models import Lesson, LessonFeedback, Milestone
from projects.selectors.lessons import suggested_lessons
from projects.services.lessons import lesson_create, lesson_feedback_set

A = KnowledgeArea
POS, NEG = LessonPolarity.POSITIVE, LessonPolarity.NEGATIVE
GATE, CLOSURE, ONGOING = LessonSource.GATE, LessonSource.CLOSURE, LessonSource.ONGOING


class LessonSpec(NamedTuple):
    """A lesson of a demo project; ``days_ago`` dates it, ``source`` GATE takes the
    project's first stage gate."""

    code: str
    area: str
    polarity: str
    source: str
    title: str
    what_happened: str
    recommendation: str
    tags: tuple[str, ...]
    days_ago: int


LESSONS = (
    # --- closed and closing projects ------------------------------------------------------
    LessonSpec(
        "DSI-016",
        A.SCHEDULE,
        NEG,
        CLOSURE,
        "Migration des boîtes mail sous-estimée",
        "Les boîtes de plus de 50 Go ont pris trois fois plus de temps que prévu ; deux vagues "
        "ont glissé de trois semaines.",
        "Mesurer la volumétrie réelle avant de planifier les vagues de migration de données et "
        "garder une vague tampon.",
        ("migration de données", "planning"),
        420,
    ),
    LessonSpec(
        "DSI-016",
        A.STAKEHOLDERS,
        POS,
        CLOSURE,
        "Ambassadeurs Microsoft 365 dans chaque site",
        "Un réseau de 40 ambassadeurs a absorbé la moitié des questions du support au démarrage.",
        "Recruter des ambassadeurs métier dès le cadrage et les former avant la recette.",
        ("change management", "formation"),
        415,
    ),
    LessonSpec(
        "DSI-013",
        A.QUALITY,
        NEG,
        CLOSURE,
        "Indicateurs financiers non réconciliés avec la compta",
        "Les tableaux de bord montraient un chiffre d'affaires différent de la clôture "
        "comptable ; la direction financière a suspendu leur usage un mois.",
        "Faire valider chaque indicateur par la comptabilité lors d'une recette dédiée aux "
        "données avant toute diffusion.",
        ("data", "recette"),
        380,
    ),
    LessonSpec(
        "DSI-013",
        A.SCOPE,
        POS,
        GATE,
        "Un MVP de cinq tableaux de bord",
        "Limiter le premier lot à cinq tableaux a permis une mise en service en dix semaines.",
        "Découper le périmètre en lots courts et livrer un premier lot utile rapidement.",
        ("data", "mvp"),
        450,
    ),
    LessonSpec(
        "DSI-021",
        A.PROCUREMENT,
        NEG,
        CLOSURE,
        "Contrat fournisseur sans pénalités de retard",
        "L'éditeur de la solution de dématérialisation a livré le connecteur ERP avec deux mois "
        "de retard, sans aucune pénalité prévue au contrat.",
        "Inclure des jalons contractuels et des pénalités dans tout contrat fournisseur "
        "critique ; les négocier avant la signature.",
        ("fournisseur", "contrat"),
        300,
    ),
    LessonSpec(
        "DSI-021",
        A.INTEGRATION,
        POS,
        GATE,
        "Interface ERP testée de bout en bout tôt",
        "Un pilote de bout en bout avec 200 factures réelles a révélé les écarts de TVA avant "
        "la recette.",
        "Tester les interfaces ERP avec des données réelles dès la conception.",
        ("recette", "erp", "data"),
        340,
    ),
    LessonSpec(
        "DSI-019",
        A.RISK,
        NEG,
        GATE,
        "Purge RGPD bloquée par des dépendances applicatives",
        "La purge des données clients a cassé deux traitements batch qui lisaient les tables "
        "purgées.",
        "Cartographier les dépendances des données avant toute purge et répéter la purge en "
        "préproduction.",
        ("data", "conformité"),
        120,
    ),
    LessonSpec(
        "DSI-007",
        A.COMMUNICATION,
        POS,
        CLOSURE,
        "Point hebdomadaire avec les superviseurs du service client",
        "Un point de 30 minutes chaque semaine a fait remonter les irritants CRM avant qu'ils "
        "ne deviennent des incidents.",
        "Installer un rituel court et régulier avec les utilisateurs clés pendant tout le "
        "déploiement.",
        ("change management", "crm"),
        60,
    ),
    LessonSpec(
        "DSI-007",
        A.RESOURCES,
        NEG,
        GATE,
        "Intégrateur CRM renouvelé en cours de projet",
        "Le fournisseur a remplacé trois consultants sur cinq en plein déploiement ; deux mois "
        "de connaissance perdus.",
        "Exiger la stabilité des équipes du fournisseur dans le contrat et un plan de passation.",
        ("fournisseur", "crm"),
        150,
    ),
    LessonSpec(
        "OPS-005",
        A.QUALITY,
        POS,
        CLOSURE,
        "Labelled image set built with the operators",
        "Operators labelled 12,000 defect images in two weeks; the model reached 97 % "
        "precision on the first line.",
        "Involve the people who know the defects in building the training data set.",
        ("data", "quality", "change management"),
        360,
    ),
    LessonSpec(
        "OPS-005",
        A.PROCUREMENT,
        NEG,
        GATE,
        "Camera vendor chosen before the lighting study",
        "The cameras bought first could not cope with the line's reflections; new optics cost "
        "€40k.",
        "Run a proof of concept on the real line before choosing the vendor.",
        ("vendor", "poc"),
        400,
    ),
    LessonSpec(
        "OPS-012",
        A.STAKEHOLDERS,
        POS,
        CLOSURE,
        "Déploiement 5S porté par les chefs d'équipe",
        "Les chefs d'équipe formés en premier ont animé eux-mêmes les chantiers 5S ; l'adhésion "
        "a dépassé les objectifs.",
        "Former d'abord l'encadrement de proximité et lui confier l'animation du changement.",
        ("change management", "formation", "lean"),
        330,
    ),
    LessonSpec(
        "OPS-009",
        A.COST,
        NEG,
        GATE,
        "Coût des données de référence pièces sous-estimé",
        "Le nettoyage des fiches articles a demandé 60 jours au lieu de 15.",
        "Chiffrer la qualité des données de référence avant de fixer le budget.",
        ("migration de données", "data", "budget"),
        90,
    ),
    LessonSpec(
        "OPS-009",
        A.SCHEDULE,
        POS,
        ONGOING,
        "Planification par familles d'articles",
        "Traiter les pièces par familles a permis des mises en production toutes les deux "
        "semaines.",
        "Découper le déploiement par familles cohérentes plutôt que par site.",
        ("planning",),
        45,
    ),
    # --- running projects ------------------------------------------------------------------
    LessonSpec(
        "DSI-001",
        A.INTEGRATION,
        NEG,
        GATE,
        "Reprise des données financières : trois répétitions n'ont pas suffi",
        "La troisième répétition de reprise a encore montré des écarts de soldes sur les "
        "comptes auxiliaires.",
        "Prévoir au moins quatre répétitions de migration de données et une réconciliation "
        "automatique des soldes.",
        ("migration de données", "erp", "cutover"),
        75,
    ),
    LessonSpec(
        "DSI-001",
        A.RESOURCES,
        NEG,
        ONGOING,
        "Key users indisponibles pendant la clôture",
        "Les utilisateurs clés de la comptabilité n'étaient pas disponibles pendant la clôture "
        "mensuelle, la recette a glissé.",
        "Planifier la recette hors des périodes de clôture et sanctuariser les key users.",
        ("recette", "erp", "planning"),
        40,
    ),
    LessonSpec(
        "DSI-002",
        A.PROCUREMENT,
        POS,
        GATE,
        "Forfait intégrateur avec jalons de paiement",
        "Le paiement de l'intégrateur par jalons validés a aligné ses priorités sur les nôtres.",
        "Lier les paiements du fournisseur à des livrables validés, pas au temps passé.",
        ("fournisseur", "erp", "contrat"),
        110,
    ),
    LessonSpec(
        "DSI-004",
        A.COMMUNICATION,
        NEG,
        ONGOING,
        "Message sur l'ERP trop tardif",
        "Les équipes logistiques ont appris le changement d'outil trois mois avant la bascule ; "
        "la résistance a été forte.",
        "Communiquer dès le cadrage sur le pourquoi du changement, avant le comment.",
        ("change management", "erp"),
        55,
    ),
    LessonSpec(
        "DSI-006",
        A.QUALITY,
        POS,
        GATE,
        "Automated UI tests in the release pipeline",
        "Automated end-to-end tests caught 30 regressions before the app store release.",
        "Automate the testing of the critical user journeys before the first release.",
        ("testing", "mobile"),
        95,
    ),
    LessonSpec(
        "DSI-010",
        A.SCOPE,
        NEG,
        ONGOING,
        "Lakehouse scope grew with every new data source",
        "Each business unit added its sources; the foundation phase doubled in size.",
        "Freeze the data sources of the foundation phase and put the rest in a backlog.",
        ("data", "scope creep"),
        30,
    ),
    LessonSpec(
        "DSI-020",
        A.RISK,
        NEG,
        GATE,
        "Legacy licences blocked the datacenter exit",
        "Two licences could not be moved to Azure; their vendor asked for a new contract.",
        "Review every vendor licence for cloud use at the framing gate.",
        ("vendor", "cloud", "contrat"),
        85,
    ),
    LessonSpec(
        "DSI-015",
        A.STAKEHOLDERS,
        POS,
        ONGOING,
        "Security champions in each team",
        "A champion per team turned the hardening checklist into everyday practice.",
        "Name a champion per team and give them a monthly slot with the security team.",
        ("change management", "security"),
        20,
    ),
    LessonSpec(
        "OPS-001",
        A.INTEGRATION,
        NEG,
        GATE,
        "Interface MES–ERP découverte en recette",
        "Le format des ordres de fabrication différait entre le MES et l'ERP ; trois semaines "
        "de correctifs.",
        "Spécifier et tester les interfaces entre systèmes dès la conception détaillée.",
        ("recette", "erp", "data"),
        70,
    ),
    LessonSpec(
        "OPS-002",
        A.SCHEDULE,
        POS,
        GATE,
        "Plant shutdown used for the MES go-live",
        "Going live during the summer shutdown gave two weeks to stabilise without production "
        "pressure.",
        "Align go-live dates with planned plant shutdowns.",
        ("planning", "cutover"),
        100,
    ),
    LessonSpec(
        "OPS-008",
        A.COMMUNICATION,
        NEG,
        ONGOING,
        "S&OP meetings without decision rights",
        "Monthly S&OP meetings made recommendations nobody had the mandate to decide on.",
        "Give the S&OP meeting a sponsor with decision rights from the start.",
        ("sponsor", "governance"),
        25,
    ),
)

# Which suggestions the managers of new projects answered: (project, rank in its
# suggestions, state, note).
FEEDBACK = (
    ("DSI-003", 0, "applied", "Quatre répétitions de reprise prévues au planning."),
    ("DSI-003", 1, "not_relevant", "Nos key users sont dédiés au projet à plein temps."),
    ("DSI-011", 0, "applied", ""),
    ("DSI-009", 0, "applied", "Weekly 30-minute check-in with the key account managers."),
    ("DSI-009", 2, "not_relevant", "No integrator on this project: built in-house."),
    ("OPS-004", 0, "applied", "Interfaces MES spécifiées dès le cadrage."),
    ("OPS-007", 1, "not_relevant", "Our TMS rolls out site by site, not by item family."),
)


def _gate(project) -> Milestone | None:
    return (
        Milestone.objects.filter(project=project, is_gate=True)
        .order_by("baseline_date", "pk")
        .first()
    )


def load_lessons(loader) -> None:
    """Lessons of the demo projects, and feedback on a few suggestions to new projects."""
    pmo = loader.users["pmo"]
    for spec in LESSONS:
        # A partial demo (its tests load a few projects) has lessons of those only.
        project = loader.projects.get(spec.code)
        if project is None:
            continue
        if Lesson.objects.filter(project=project, title=spec.title).exists():
            continue
        gate = _gate(project) if spec.source == GATE else None
        source = spec.source if spec.source != GATE or gate is not None else ONGOING
        # Past closure only the PMO writes (the manager no longer manages an ended project).
        author = pmo if project.phase in ENDED_PHASES else project.project_manager or pmo
        lesson = lesson_create(
            actor=author,
            project=project,
            source=source,
            gate=gate,
            knowledge_area=spec.area,
            polarity=spec.polarity,
            title=spec.title,
            what_happened=spec.what_happened,
            recommendation=spec.recommendation,
            tags=list(spec.tags),
        )
        # Dated in the project's past, so the library reads newest first as it was captured.
        Lesson.objects.filter(pk=lesson.pk).update(
            created_at=loader.now - datetime.timedelta(days=spec.days_ago),
            updated_at=loader.now - datetime.timedelta(days=spec.days_ago),
        )
        loader.report.created["lessons"] += 1
    for code, rank, state, note in FEEDBACK:
        project = loader.projects.get(code)
        if project is None:
            continue
        suggestions = suggested_lessons(project)
        if rank >= len(suggestions):
            continue
        lesson = suggestions[rank].lesson
        if LessonFeedback.objects.filter(project=project, lesson=lesson).exists():
            continue
        lesson_feedback_set(
            actor=project.project_manager or pmo,
            project=project,
            lesson=lesson,
            state=state,
            note=note,
        )
        loader.report.created["lesson_feedback"] += 1
