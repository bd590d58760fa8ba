"""Benchmark the language rules: audits per second of parsed 20-turn calls in five languages.

Run from the repository root::

    python benchmarks/bench_language.py            # 10,000 calls
    python benchmarks/bench_language.py --quick    # 1,000 calls

The calls are generated deterministically: 20 turns (agent and caller in
turn), about 1.6k characters, in en, pt, es, it and fr in turn, the agent's
lines drawn from a few per language with a phrase of the language rules in
about one turn in four, and the events of ``generated_calls.py``. They are
parsed before timing (``Transcript.from_dict``). Measured, best of
``--repeat`` runs:

matcher alone
    ``compiled(language).find(agent turns)``: folding and matching, hits judged.
language check
    the rulebook's ``language`` check on each call's audit context.
full audit
    ``audit(transcript)``: events replayed, every check, all rules on.
"""

import argparse
import json
import platform
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generated_calls import generated_call

from callflow.audit import AuditConfig, AuditContext, Transcript, audit
from callflow.audit._matcher import compiled
from callflow.audit.engine import _replayed
from callflow.audit.language import language_rules

_LINES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "en": (
        ("Thank you for calling ACME IT, this is {agent}, how can I help you today?",
         "I understand, that must be frustrating; we will sort it out together right now.",
         "Could you tell me your employee ID so I can pull up your account, please?",
         "Thanks. Have you restarted the laptop since the problem started this morning?",
         "May I put you on hold for a minute while I check the logs on the server?",
         "Thank you for holding. The logs show that your mail profile is corrupt.",
         "I will rebuild your profile now; it takes about two minutes on this laptop.",
         "Done. Could you open Outlook and tell me whether it starts properly now?"),
        ("I'll try to fix it as soon as possible.", "You should have called us earlier.",
         "It's impossible to recover that file.", "Hold on, let me look.",
         "I won't say it's impossible, but it is hard."),
    ),
    "pt": (
        ("Obrigado por ligar para a ACME TI, aqui é {agent}, em que posso ajudar hoje?",
         "Entendo, deve ser frustrante; vamos resolver isso juntos agora mesmo, certo?",
         "Pode me dizer o seu número de funcionário para eu abrir a sua conta, por favor?",
         "Obrigado. Já reiniciou o computador desde que o problema começou hoje de manhã?",
         "Posso colocá-lo em espera um minuto enquanto verifico os registros do servidor?",
         "Obrigado por aguardar. Os registros mostram que o seu perfil de e-mail está corrompido.",
         "Vou reconstruir o seu perfil agora; leva uns dois minutos neste computador.",
         "Pronto. Pode abrir o Outlook e me dizer se ele inicia corretamente agora?"),
        ("Vou tentar resolver o mais rápido possível.", "Você devia ter ligado antes.",
         "É impossível recuperar esse arquivo.", "Peraí, deixa eu ver.",
         "Não é impossível, mas é difícil."),
    ),
    "es": (
        ("Gracias por llamar a ACME TI, le atiende {agent}, ¿en qué puedo ayudarle hoy?",
         "Lo entiendo, debe de ser frustrante; lo vamos a resolver juntos ahora mismo.",
         "¿Me puede decir su número de empleado para abrir su cuenta, por favor?",
         "Gracias. ¿Ha reiniciado el portátil desde que empezó el problema esta mañana?",
         "¿Puedo ponerle en espera un minuto mientras reviso los registros del servidor?",
         "Gracias por esperar. Los registros muestran que su perfil de correo está dañado.",
         "Voy a reconstruir su perfil ahora; tarda unos dos minutos en este portátil.",
         "Listo. ¿Puede abrir Outlook y decirme si arranca correctamente ahora?"),
        ("Intentaré arreglarlo lo antes posible.", "Usted debería haber llamado antes.",
         "Es imposible recuperar ese archivo.", "Espérate, que lo miro.",
         "No es imposible, pero es difícil."),
    ),
    "it": (
        ("Grazie per aver chiamato ACME IT, sono {agent}, come posso aiutarla oggi?",
         "Capisco, dev'essere frustrante; lo risolviamo insieme subito, non si preoccupi.",
         "Mi può dire il suo numero di matricola per aprire il suo account, per favore?",
         "Grazie. Ha riavviato il portatile da quando è iniziato il problema stamattina?",
         "Posso metterla in attesa un minuto mentre controllo i registri del server?",
         "Grazie per aver atteso. I registri mostrano che il suo profilo di posta è danneggiato.",
         "Ricostruisco il suo profilo adesso; ci vogliono circa due minuti su questo portatile.",
         "Fatto. Può aprire Outlook e dirmi se si avvia correttamente adesso?"),
        ("Proverò a sistemarlo il prima possibile.", "Avrebbe dovuto chiamarci prima.",
         "È impossibile recuperare quel file.", "Aspetta un attimo, controllo.",
         "Non è impossibile, ma è difficile."),
    ),
    "fr": (
        ("Merci d'avoir appelé ACME IT, ici {agent}, comment puis-je vous aider aujourd'hui ?",
         "Je comprends, ça doit être frustrant ; nous allons régler ça ensemble tout de suite.",
         "Pouvez-vous me donner votre matricule pour ouvrir votre compte, s'il vous plaît ?",
         "Merci. Avez-vous redémarré l'ordinateur depuis le début du problème ce matin ?",
         "Puis-je vous mettre en attente une minute pendant que je vérifie les journaux ?",
         "Merci d'avoir patienté. Les journaux montrent que votre profil de messagerie est abîmé.",
         "Je reconstruis votre profil maintenant ; cela prend environ deux minutes.",
         "Voilà. Pouvez-vous ouvrir Outlook et me dire s'il démarre correctement ?"),
        ("Je vais essayer de le réparer dès que possible.", "Vous auriez dû nous appeler avant.",
         "C'est impossible de récupérer ce fichier.", "Bouge pas, je regarde.",
         "Je ne dis pas que c'est impossible, mais c'est difficile."),
    ),
}  # fmt: skip
_LANGUAGES = tuple(_LINES)


def language_call(index: int) -> dict[str, Any]:
    """Call ``index`` of ``generated_calls.py``, its agent's lines in one of the five languages."""
    call = generated_call(index)
    language = _LANGUAGES[index % len(_LANGUAGES)]
    lines, flagged = _LINES[language]
    rng = random.Random(index)
    agent_turns = [turn for turn in call["turns"] if turn["speaker"] == "agent"]
    for number, turn in enumerate(agent_turns):
        text = lines[number % len(lines)].format(agent=call["agent"]["name"])
        if rng.random() < 0.25:
            text = f"{text} {rng.choice(flagged)}"
        turn["text"] = text
    call["language"] = language
    return call


def _best(run: Callable[[], object], calls: int, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        began = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - began)
    return calls / best


def measure(count: int, repeat: int) -> dict[str, Any]:
    """Calls per second of each measure, on ``count`` generated calls."""
    transcripts = [Transcript.from_dict(language_call(i)) for i in range(count)]
    config = AuditConfig()
    agent_texts = [
        (t.language, [turn.text for turn in t.turns if turn.speaker == "agent" and turn.text])
        for t in transcripts
    ]
    contexts = [AuditContext(t, _replayed(t, config), config) for t in transcripts]
    for language in _LANGUAGES:
        compiled(language)  # compiled once, before timing, as in a long run

    def matcher() -> int:
        return sum(len(compiled(language).find(texts)) for language, texts in agent_texts)

    def check() -> int:
        return sum(len(list(language_rules(context))) for context in contexts)

    def full() -> int:
        return sum(len(audit(t, config).findings) for t in transcripts)

    characters = sum(len(turn.text) for t in transcripts for turn in t.turns) / count
    return {
        "calls": count,
        "characters_per_call": round(characters),
        "language_findings": check(),
        "matcher_calls_per_s": round(_best(matcher, count, repeat)),
        "language_check_calls_per_s": round(_best(check, count, repeat)),
        "full_audit_calls_per_s": round(_best(full, count, repeat)),
        "python": platform.python_version(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="1,000 calls, a smoke run")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    arguments = parser.parse_args(argv)
    figures = measure(1_000 if arguments.quick else 10_000, arguments.repeat)
    for key, value in figures.items():
        print(f"{key:28} {value}")
    if arguments.json:
        arguments.json.write_text(json.dumps(figures, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
