"""One engine, languages as data: French, Spanish and Portuguese read by the same rules as
English from seeds/languages/<code>/ (counts, dates, cues, modality, actors, relevance)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from extract import casualties, dates, events, lexicon, paths, relevance
from extract.article import extract_article


@pytest.mark.parametrize("lang,text,killed,injured", [
    ("fr", "Sept fidèles ont été tués et une quinzaine d'autres blessés lundi.", 7, 15),
    ("fr", "Vingt et un civils ont été tués samedi lors d'une attaque.", 21, None),
    ("fr", "Trois miliciens et deux militaires ont été tués lors des échanges de tirs.", 5, None),
    ("fr", "Une dizaine de blessés ont été évacués vers Téra.", None, 10),
    ("fr", "Des dizaines de personnes ont été tuées.", 10, None),
    ("fr", "Aucun blessé n'a été signalé, selon la préfecture.", None, 0),
    ("fr", "Un jeune homme âgé d'une vingtaine d'années a été blessé.", None, 1),
    ("fr", "Cinq personnes, dont la kamikaze, ont été tuées jeudi soir.", 5, None),
    ("fr", "A une vingtaine de kilomètres au nord, trois civils ont été tués.", 3, None),
    ("fr", "Une vingtaine de kilomètres séparent les villages où trois civils ont été tués.", 3,
     None),
    ("fr", "Quatre membres présumés du gang « 400 Mawozo » ont été tués samedi.", 4, None),
    ("fr", "Une grenade lancée dans un bar a tué deux clients et en a blessé sept autres.", 2, 7),
    ("es", "Al menos siete personas murieron el domingo en combates.", 7, None),
    ("es", "Una treintena de personas fueron atendidas por los servicios sanitarios.", None, 30),
    ("es", "Cuatro presuntos integrantes murieron y un militar resultó herido este martes.", 4, 1),
    ("es", "No se reportaron heridos.", None, 0),
    ("pt", "Quatro civis foram mortos na terça-feira num ataque de insurgentes.", 4, None),
    ("pt", "Pelo menos 15 pessoas ficaram feridas.", None, 15),
    ("pt", "Uma dezena de pessoas morreram.", 10, None),
    ("pt", "Não houve registo de mortos nessa localidade.", 0, None),
    # an age does not stop a count; a vague count before "foi abatida"
    ("es", "Un comerciante de 34 años murió el jueves, según la Defensoría.", 1, None),
    ("pt", "Uma dezena de rebeldes foi abatida, segundo uma fonte militar.", 10, None),
    ("pt", "Um jovem suspeito de roubo foi espancado até à morte por moradores.", 1, None),
    ("fr", "Les frappes avaient « neutralisé une trentaine de terroristes », selon l'armée.", 30,
     None),
    ("fr", "L'armée a neutralisé dimanche deux engins explosifs sur la route.", None, None),
    # damage left is no toll
    ("es", "La explosión dejó daños en seis casas y un vehículo.", None, None),
    ("pt", "A explosão deixou danos em seis casas.", None, None),
    # a place told between a count and its verb; a quoted army claim; "resultaron heridos"
    ("fr", "Cinq habitants de Mirebalais, dans le département du Centre, ont été tués lundi.", 5,
     None),
    ("fr", "L'armée dit avoir mené des frappes et « neutralisé » au moins quatorze combattants.",
     14, None),
    ("es", "Tres soldados resultaron heridos y varias viviendas sufrieron daños.", None, 3),
    # a toll then the wounded are two counts, not one sum; a count's words stop at another
    # count ("une mine ... trois morts" is three); a man killed ("foi morto") is one
    ("fr", "L'attaque a fait cinq morts et deux blessés.", 5, 2),
    ("es", "El ataque dejó cinco muertos y dos heridos.", 5, 2),
    ("fr", "L'explosion d'une mine au passage d'un véhicule a fait trois morts.", 3, None),
    ("pt", "A explosão de uma mina à passagem de uma viatura fez três mortos.", 3, None),
    ("pt", "Um soldado foi morto na terça-feira.", 1, None),
    # killed told before the count as the clause's second act ("tendo abatido"), not a drone
    ("pt", "As forças travaram confrontos com o grupo, tendo abatido dois insurgentes.", 2, None),
    ("pt", "Os militares abateram um drone do grupo perto da base.", None, None),
    ("es", "El Ejército repelió el ataque, abatiendo a tres atacantes.", 3, None),
    ("fr", "Après avoir tué deux gardes, les assaillants ont pris la fuite.", 2, None),
    ("pt", "Insurgentes decapitaram um homem no sábado.", 1, None),
    ("es", "Los pandilleros decapitaron a dos hombres en la colonia.", 2, None),
    # one victim named with no count: one killed, as English reads "shot dead the village chief"
    ("fr", "Des hommes armés ont abattu hier soir le chef du village de Bangaré.", 1, None),
    ("fr", "Le maire de la commune a été tué mardi par des inconnus.", 1, None),
    ("es", "La Defensoría confirmó el asesinato del líder comunal Jairo Cortés.", 1, None),
    ("es", "Sicarios asesinaron al alcalde de Tuluá el domingo.", 1, None),
    ("pt", "Insurgentes mataram o régulo da aldeia na sexta-feira.", 1, None),
    ("fr", "Les joueurs ont tué le match en seconde période.", None, None),
])
def test_counts_in_each_language_with_acleds_conservative_vague_numbers(lang, text, killed,
                                                                        injured):
    found = casualties.find(text, lang)
    assert (found.killed, found.injured) == (killed, injured)


@pytest.mark.parametrize("lang,text", [
    ("fr", "Les combats ont fait plusieurs morts, selon des sources locales."),
    ("es", "Los enfrentamientos dejaron varios muertos, según los campesinos."),
    ("pt", "Vários insurgentes foram mortos, segundo uma fonte militar."),
])
def test_several_dead_is_read_as_english_reads_several(lang, text):
    """An unspecified "several" killed: the count English gives "several soldiers were killed"
    (ACLED's conservative reading of a vague amount), the same in every language."""
    english = casualties.find("Several soldiers were killed, local sources said.").killed
    assert english is not None and casualties.find(text, lang).killed == english


def test_a_language_reads_its_own_counts_not_english_ones():
    assert casualties.find("Seven villagers were killed.", "fr").killed is None
    assert casualties.find("Sept villageois ont été tués.").killed is None   # (English rules)


PUB = date(2025, 2, 8)     # a Saturday


@pytest.mark.parametrize("lang,text,day", [
    ("fr", "dans la nuit de jeudi à vendredi, deux kamikazes se sont fait exploser", "2025-02-07"),
    ("fr", "Le 3 février, un minibus avait sauté sur une mine.", "2025-02-03"),
    ("fr", "Hier, des hommes armés ont attaqué le village.", "2025-02-07"),
    ("es", "resultaron heridos el pasado sábado en un ataque", "2025-02-01"),
    ("es", "fueron asesinados ayer martes", "2025-02-04"),
    ("es", "un coche bomba explotó el 21 de enero de 2025", "2025-01-21"),
    ("pt", "na madrugada de quarta-feira, um grupo armado atacou", "2025-02-05"),
    ("pt", "manifestações que começaram a 21 de outubro", "2024-10-21"),
    # a day of the month alone: this month's, or last month's when it is still to come
    ("pt", "Cerca de vinte civis foram mortos no dia 5 num ataque", "2025-02-05"),
    ("es", "los hechos ocurrieron el día 20 en una vereda", "2025-01-20"),
])
def test_dates_in_each_language(lang, text, day):
    found = [d for d in dates.find(text, PUB, lang) if not d.since]
    assert found and found[-1].value.isoformat() == day


def test_a_date_after_of_names_a_thing_and_la_veille_counts_from_the_day_told():
    elections = dates.find("contre les résultats des élections du 9 octobre", PUB, "fr")
    assert elections and all(d.since for d in elections)
    veille = dates.find("La veille, une quinzaine de femmes ont été enlevées.", PUB, "fr")
    assert veille[0].kind == "earlier"
    anchored = dates.from_anchor(veille[0], PUB, date(2024, 10, 7))
    assert anchored.value == date(2024, 10, 6)


@pytest.mark.parametrize("lang,text,days", [
    ("fr", "Le même jour, un drone a frappé un pick-up près de Kidal.", 0),
    ("fr", "L'avant-veille, des hommes armés avaient enlevé deux commerçants.", -2),
    ("es", "Ese mismo día, un dron atacó una estación de policía.", 0),
    ("pt", "No mesmo dia, um engenho explosivo atingiu uma viatura.", 0),
])
def test_the_same_day_and_two_days_before_count_from_the_day_told(lang, text, days):
    told = date(2025, 2, 5)
    found = dates.find(text, PUB, lang)
    assert found and found[0].kind == "earlier"
    assert dates.from_anchor(found[0], PUB, told).value == told + timedelta(days=days)


@pytest.mark.parametrize("lang,text,live", [
    ("fr", "Des hommes armés ont attaqué le village mardi.", True),
    ("fr", "Plusieurs centaines de personnes ont manifesté mercredi à Pétion-Ville.", True),
    ("fr", "Personne n'a manifesté et aucune attaque n'a visé le camp.", False),
    ("fr", "Le groupe menace d'attaquer les convois.", False),
    ("fr", "Kigali dément toute attaque contre le camp.", False),
    ("fr", "L'attentat n'a pas été revendiqué, mais on l'attribue à Boko Haram.", False),
    ("fr", "Le procès de neuf hommes accusés d'avoir participé à l'attaque s'est ouvert.", False),
    ("es", "Hombres armados atacaron una patrulla el lunes.", True),
    ("es", "El grupo amenazó con atacar las estaciones rurales.", False),
    ("pt", "Insurgentes atacaram a aldeia na terça-feira.", True),
    ("pt", "O ataque foi reivindicado no dia seguinte pelo grupo, com seis mortos.", False),
    # a span of months or years is a tally; a report's list, an anniversary, a remembrance
    ("fr", "Plus de 300 civils ont été tués au Mali entre juillet et septembre.", False),
    ("fr", "Le rapport cite notamment les attaques contre des villages de Ségou.", False),
    ("es", "Más de 200 civiles murieron en el tercer trimestre en ataques armados.", False),
    ("es", "Familiares se reunieron para recordar a los 85 muertos del atentado.", False),
    ("pt", "O conflito, que durante 27 anos opôs o MPLA e a UNITA, fez meio milhão de mortos.",
     False),
    ("pt", "Angola assinala hoje 23 anos do fim da guerra e dos combates.", False),
    # one gunman fires as many do
    ("es", "Un sicario llegó en motocicleta y disparó contra las víctimas.", True),
    # a day named first makes a pluperfect the story's narrative; without one it is the past
    ("fr", "La veille, des hommes armés avaient ouvert le feu sur le marché.", True),
    ("fr", "Des hommes armés avaient ouvert le feu sur le marché en 2021.", False),
    ("es", "La víspera, hombres armados habían atacado una patrulla.", True),
    ("pt", "Na véspera, insurgentes tinham atacado a aldeia.", True),
    ("pt", "Insurgentes tinham atacado a aldeia.", False),
    # a parade shows arms, a purchase buys them, a span of years is a tally, a crowd watches
    ("fr", "Des blindés et des drones armés ont défilé dimanche sur le boulevard à Niamey.", False),
    ("es", "Tanques y aviones de combate desfilaron el domingo en un desfile militar.", False),
    ("pt", "A Assembleia aprovou ontem a compra de drones e sistemas de mísseis.", False),
    ("es", "El conflicto armado, que entre 1980 y 2000 dejó unos 69.000 muertos.", False),
    ("fr", "Des milliers de Niameyens ont assisté au défilé, qui s'est déroulé sans incident.",
     False),
    ("es", "Un grupo armado privó de la libertad a seis personas el domingo.", True),
    # words traded in a debate; a rally and a walk-out
    ("es", "Los candidatos intercambiaron ataques en un debate televisado.", False),
    ("pt", "Milhares de trabalhadores fizeram um ato na Avenida Paulista contra a privatização.",
     True),
    # a march planned or called for is still to come; a remembrance; hostages freed
    ("fr", "L'opposition a maintenu son appel à manifester.", False),
    ("es", "La oposición convocó a movilizarse el viernes en protesta contra el Gobierno.", False),
    ("pt", "A oposição apelou a manifestações na sexta-feira.", False),
    ("pt", "Milhares de pessoas participaram numa marcha para recordar o massacre de 1991.",
     False),
    ("fr", "Quatre missionnaires enlevés le mois dernier ont été libérés mardi.", False),
    ("es", "Tres soldados secuestrados en noviembre fueron liberados ayer.", False),
    ("pt", "Os cinco pescadores raptados em março foram libertados ontem.", False),
    # a charge governs the deed it names, not the lynching told after it, nor past a comma
    ("fr", "Un homme accusé d'avoir volé une moto a été battu à mort par une foule samedi.", True),
    ("es", "Un hombre acusado de robar en una vivienda murió tras ser golpeado y quemado por "
     "vecinos.", True),
    ("pt", "Um homem acusado de roubo foi linchado por moradores no sábado.", True),
    ("es", "Mientras se leía la sentencia, cien personas realizaron un plantón frente al tribunal.",
     True),
    ("fr", "Neuf hommes accusés d'avoir participé à l'attaque de Grand-Bassam sont jugés.", False),
    # weapons burned at a disarmament ceremony; joy that "explodes"
    ("fr", "Des kalachnikovs, des lance-roquettes et des grenades ont été brûlés en public.",
     False),
    ("pt", "Milhares de pessoas encheram a praia numa verdadeira explosão de alegria.", False),
    # soldiers arrested in a title; a district seat retaken with a day between the words
    ("fr", "Mali : une douzaine de militaires arrêtés à Bamako", True),
    ("pt", "As forças retomaram na terça-feira o controlo da vila sede de Quissanga.", True),
    ("fr", "Des hommes armés arrivés à moto ont alors ouvert le feu sur le marché.", True),
    # a drill or a scam told as the attack or kidnapping it feigns
    ("fr", "Des assaillants armés ont pris des élèves en otages à Parakou lors d'un exercice de "
     "simulation d'une attaque terroriste.", False),
    ("fr", "Des hommes armés ont enlevé trois élèves mercredi, au cours d'une simulation "
     "d'enlèvement organisée par l'armée.", False),
    ("es", "Hombres armados tomaron rehenes en una escuela durante la simulación de un ataque.",
     False),
    ("es", "Delincuentes secuestraron a un familiar en un falso secuestro.", False),
    ("pt", "Os criminosos telefonam simulando o sequestro de um familiar e exigem resgate.", False),
    ("pt", "Criminosos sequestraram um familiar no golpe do falso sequestro.", False),
    ("pt", "Homens armados sequestraram um empresário na terça-feira.", True),
    # asked about attacks in an interview; renouncing kidnappings; an epidemic that kills
    ("fr", "Interrogé sur les lourdes pertes subies lors de certaines embuscades, il a reconnu "
     "des « moments difficiles ».", False),
    ("es", "Preguntado por los ataques contra la Policía, el ministro evitó dar cifras.", False),
    ("pt", "Questionado sobre os ataques em Macomia, o general não deu números.", False),
    ("es", "El Gobierno exige que el ELN renuncie a los secuestros y a los ataques.", False),
    ("fr", "Le gouvernement demande aux rebelles de renoncer aux enlèvements.", False),
    ("fr", "Jeudi, l'armée a mené une opération de ratissage sur les îles du lac.", True),
    # refugees fleeing attacks tell no attack of their own
    ("fr", "Plus de 3 000 Burkinabè ont fui vers le Ghana, fuyant les attaques jihadistes.", False),
    ("es", "Miles de familias llegaron a Cúcuta huyendo de los combates en el Catatumbo.", False),
    ("pt", "Centenas de famílias chegaram a Pemba fugindo dos ataques em Macomia.", False),
    # tear gas grenades and warning shots are no grenade attack nor exchange of fire
    ("fr", "La police a dispersé à coups de grenades lacrymogènes un rassemblement de "
     "l'opposition.", True),
    # a plan decided is no arrest; victims of past massacres tell no attack; a pipeline blown
    ("fr", "Les chefs d'état-major ont arrêté un plan d'intervention militaire.", False),
    ("es", "Organizaciones de víctimas de las masacres de Accomarca y Cayara denunciaron la ley.",
     False),
    ("pt", "Associações de vítimas do massacre de Wiriyamu protestaram contra a decisão.", False),
    ("es", "Presuntos guerrilleros detonaron una carga explosiva contra el oleoducto.", True),
    # a report documenting abuses; soldiers hurt in unnamed recent offensives; weapons seized;
    # a remembrance told with the toll of what it remembers
    ("fr", "L'organisation documente des exécutions sommaires et des massacres de villageois.",
     False),
    ("pt", "Um relatório que documenta decapitações e raptos de crianças foi publicado hoje.",
     False),
    ("fr", "Il a décoré des soldats blessés lors des dernières offensives dans la région.", False),
    ("pt", "A polícia apreendeu ontem 40 fuzis e dez granadas num depósito.", False),
    ("fr", "Le pays a entamé mardi la commémoration du génocide, au cours duquel 800 000 "
     "personnes ont été tuées.", False),
    # a Protestant church is no protest; a front named in praise is no clash
    ("fr", "Des hommes armés ont ouvert le feu dimanche dans une église protestante de Dori.",
     True),
    ("pt", "O Presidente chamou-lhes heróis da frente de combate.", False),
])
def test_modality_in_each_language(lang, text, live):
    cues, _why = events.live_cues(text, events.sentence_cues(text, None, lang), lang)
    assert (cues.strength >= 0.5) is live


@pytest.mark.parametrize("lang,text,kind", [
    # shots fired at people are an attack on them, not an armed clash (English's small_arms is
    # military arms and an exchange of fire); "entre ellas" is among them, not two sides
    ("es", "Cinco personas, entre ellas un adolescente, fueron asesinadas a tiros el viernes.",
     "Violence against civilians"),
    ("pt", "Dois indígenas foram atingidos por tiros de garimpeiros e morreram.",
     "Violence against civilians"),
    # suspects killed in a police operation: police against armed suspects
    ("pt", "Três suspeitos morreram no sábado durante uma operação da Polícia Militar.",
     "Battles"),
    ("es", "Dos sospechosos murieron el lunes durante un operativo policial en Manta.", "Battles"),
    ("fr", "Trois civils ont été tués par balles lundi par des hommes armés.",
     "Violence against civilians"),
    # a firearm or a rifle named is the doers' weapon, not an exchange of fire
    ("es", "Seis hombres murieron cuando desconocidos armados con fusiles dispararon contra los "
     "clientes de un billar.", "Violence against civilians"),
    ("pt", "Um comerciante foi baleado e morto por dois homens com armas de fogo.",
     "Violence against civilians"),
    # tyres burned on a road ("neumáticos") are a riot's
    ("es", "Un grupo de camioneros cortó la autovía y quemó neumáticos en la calzada.", "Riots"),
    # blockaders fighting police are rioters
    ("es", "Bloqueadores y policías se enfrentaron cuando los agentes intentaron despejar la vía.",
     "Riots"),
    # a crowd shot at is no mob
    ("pt", "O homem disparou contra a multidão e matou duas pessoas.",
     "Violence against civilians"),
    # a beheading is an attack; stones thrown at buses a riot's; buses set on fire destruction
    ("pt", "Insurgentes decapitaram um homem no sábado na aldeia.", "Violence against civilians"),
    ("es", "Pandilleros decapitaron a un comerciante en el mercado.", "Violence against civilians"),
    ("pt", "Grupos de manifestantes bloquearam estradas e apedrejaram autocarros no Cazenga.",
     "Riots"),
    ("es", "Los manifestantes apedrearon la sede de la alcaldía.", "Riots"),
    ("pt", "Criminosos atearam fogo a dois ônibus na avenida.", "Strategic developments"),
    # a post attacked, told in the passive, is an armed target
    ("fr", "Une position de l'armée nigérienne a été attaquée à Torodi dans la nuit.", "Battles"),
    ("es", "La estación de policía de Barbacoas fue hostigada durante dos horas.", "Battles"),
    ("pt", "Uma posição das forças governamentais foi atacada em Meluco.", "Battles"),
    # burning machinery with shots fired only to intimidate is destruction, not a clash
    ("es", "Encapuchados armados incendiaron tres camiones tras intimidar con disparos al "
     "cuidador.", "Strategic developments"),
    # an opposition rally dispersed with tear gas grenades is a protest, not a grenade attack
    ("fr", "La police a dispersé à coups de grenades lacrymogènes un rassemblement de "
     "l'opposition à Dakar.", "Protests"),
    ("fr", "Des hommes armés ont ouvert le feu sur des fidèles réunis pour la messe dans une "
     "église protestante, tuant sept personnes.", "Violence against civilians"),
])
def test_who_is_shot_decides_the_event_type(lang, text, kind):
    tags = events.live_cues(text, events.sentence_cues(text, None, lang), lang)[0].tags
    assert events.classify(tags, text, harmed=True, killed=True, language=lang)[0] == kind


@pytest.mark.parametrize("lang,text", [
    ("es", "El paso del huracán dejó dos muertos y decenas de heridos en San Andrés."),
    ("pt", "O furacão deixou dois mortos e dezenas de feridos."),
    ("fr", "Le passage de l'ouragan a fait deux morts et des dizaines de blessés."),
])
def test_a_storm_is_a_disaster_in_every_language(lang, text):
    assert "disaster" in events.sentence_cues(text, None, lang).tags


def test_a_televised_debate_of_attacks_is_not_relevant():
    text = ("Los cinco candidatos a la presidencia intercambiaron ataques el martes por la noche "
            "en un debate televisado. El candidato oficialista disparó críticas contra sus "
            "rivales. "
            "Según la última encuesta, ningún candidato superaría el 25% de los votos.")
    assert relevance.score(text, title="Debate presidencial: ataques cruzados", language="es") < \
        relevance.THRESHOLD


def test_a_team_of_deminers_is_no_sport():
    text = "Ontem, uma equipa de sapadores desativou um engenho explosivo na estrada."
    tags = events.live_cues(text, events.sentence_cues(text, None, "pt"), "pt")[0].tags
    assert "sports" not in tags and "disrupted" in tags
    text = "Un equipo antiexplosivos desactivó el artefacto frente a la alcaldía."
    assert "sports" not in events.sentence_cues(text, None, "es").tags


def test_a_sports_report_full_of_war_words_is_not_relevant():
    text = ("Coton Sport a littéralement bombardé la défense adverse (4-0) dimanche au stade. "
            "Dès le coup d'envoi, les attaquants ont lancé l'assaut; une frappe, tel un obus, a "
            "fusillé le gardien. Après la pause, deux nouvelles « bombes » de l'attaquant vedette "
            "ont achevé le massacre, a reconnu l'entraîneur en zone mixte. Avec ce succès, le "
            "club compte six points d'avance en tête du championnat.")
    assert relevance.score(text, title="Coton Sport écrase le Canon", language="fr") < \
        relevance.THRESHOLD
    result = extract_article(text, title="Coton Sport écrase le Canon", published="2025-03-17")
    assert result.language == "fr" and result.incidents == []


def test_incidents_keep_acleds_english_taxonomy_and_names_and_the_articles_language():
    text = ("NIAMEY, 16 décembre (Agence Sahel Presse) – Vingt et un civils ont été tués samedi "
            "lors d'une attaque attribuée à l'État islamique au Sahel (EIGS) contre un village "
            "proche de Bankilaré, dans la région de Tillabéri (ouest du Niger), a annoncé lundi le "
            "ministère nigérien de l'Intérieur. Une dizaine de blessés ont été évacués vers Téra.")
    result = extract_article(text, title="Niger : 21 civils tués près de Bankilaré",
                             published="2024-12-16T11:00:00Z")
    assert result.language == "fr" and len(result.incidents) == 1
    inc = result.incidents[0]
    assert (inc.event_type, inc.sub_event_type) == ("Violence against civilians", "Attack")
    assert (inc.date, inc.fatalities, inc.injured) == ("2024-12-14", 21, 10)
    assert "Islamic State Sahel" in inc.actors and inc.language == "fr"
    assert inc.evidence.startswith("NIAMEY") and "Vingt et un civils" in inc.evidence
    english = extract_article("Gunmen killed seven villagers and burned houses in an attack on "
                              "Kutemba village in Borno state on Tuesday, police and local "
                              "officials said.", published="2024-05-08")
    assert english.incidents and english.incidents[0].language == "en"


def test_a_language_is_supported_by_its_folder(tmp_path, monkeypatch):
    assert {"en", "fr", "es", "pt"} <= lexicon.supported()
    assert lexicon.get("en") is None and lexicon.get("de") is None
    seeds = tmp_path / "seeds"
    (seeds / "languages" / "xx").mkdir(parents=True)
    (seeds / "languages" / "xx" / "cues.yaml").write_text("attack: [zorg]\n", encoding="utf-8")
    monkeypatch.setattr(paths, "_seeds_dir", seeds)
    assert lexicon.supported() == frozenset({"en", "xx"})


def test_a_hedged_report_is_still_an_incident_with_less_confidence():
    told = ("BAMAKO, 3 mars (Agence Sahel Presse) – Des hommes armés ont tué six civils lundi lors "
            "d'une attaque contre le village de Sofara, dans la région de Mopti, a annoncé mardi "
            "le gouverneur.")
    hedged = told.replace("ont tué six civils", "auraient tué six civils")
    a = extract_article(told, title="Mali : six civils tués", published="2025-03-04")
    b = extract_article(hedged, title="Mali : six civils tués", published="2025-03-04")
    assert a.incidents and b.incidents
    assert b.incidents[0].event_type == a.incidents[0].event_type
    assert b.incidents[0].confidence < a.incidents[0].confidence


@pytest.mark.parametrize("lang,text", [
    ("fr", "Trois soldats ont été tués mardi dans une embuscade près de Djibo, dans le nord du "
     "Burkina Faso.\n\nSelon les Nations unies, plus de 200 civils ont été tués dans la région "
     "depuis le début de l'année."),
    ("es", "Tres soldados murieron el martes en una emboscada en Tibú, en el Catatumbo.\n\n"
     "Según la Defensoría, más de 200 civiles han muerto en la región en lo que va del año."),
    ("pt", "Três soldados foram mortos na terça-feira numa emboscada em Macomia, em Cabo "
     "Delgado.\n\nSegundo as Nações Unidas, mais de 200 civis foram mortos na província desde o "
     "início do ano."),
])
def test_a_running_total_is_no_count_of_the_incident_told_before(lang, text):
    """A toll "since the start of the year" with no day of its own is background (the
    language's `tally` hint), not more dead of the ambush told before it."""
    found = extract_article(text, title="", published="2026-03-12", language=lang)
    assert [(i.event_type, i.fatalities) for i in found.incidents] == [("Battles", 3)]


@pytest.mark.parametrize("lang,text", [
    ("pt", "LUANDA, 19 mar – O surto de cólera que atinge Luanda já matou 120 pessoas desde "
     "janeiro, anunciou ontem a ministra da Saúde."),
    ("es", "LIMA, 19 mar – La epidemia de cólera ya mató a 40 personas en Piura desde enero, "
     "informó ayer el Ministerio de Salud."),
])
def test_an_epidemic_that_kills_is_no_incident(lang, text):
    assert extract_article(text, title="", published="2026-03-19", language=lang).incidents == []


@pytest.mark.parametrize("lang,text", [
    ("es", "BOGOTÁ, 29 sep – El excomandante guerrillero murió el domingo a los 74 años en una "
     "clínica de Bogotá a causa de un cáncer, informó el partido Comunes."),
    ("fr", "DAKAR, 29 sept – L'ancien chef rebelle est mort dimanche à Dakar des suites d'une "
     "longue maladie, a annoncé sa famille."),
])
def test_a_death_from_illness_is_no_incident(lang, text):
    assert extract_article(text, title="", published="2026-09-29", language=lang).incidents == []


def test_a_political_party_is_no_football_match():
    """"su partido" is a party: the arrest of an opposition leader is relevant and an arrest."""
    text = ("CARACAS, 23 jul – Funcionarios de la Guardia Nacional Bolivariana detuvieron el "
            "martes en Barquisimeto al dirigente opositor Luis Mendoza, coordinador regional de "
            "su partido en el estado Lara, denunciaron sus abogados.")
    found = extract_article(text, title="Venezuela: detienen a dirigente opositor",
                            published="2026-07-23", language="es")
    assert [(i.sub_event_type, i.location) for i in found.incidents] == [
        ("Arrests", "Barquisimeto")]


@pytest.mark.parametrize("lang,text", [
    ("pt", "LISBOA, 18 ago – Mais de 2.000 bombeiros continuavam ontem em combate aos incêndios "
     "florestais que lavram no distrito de Coimbra.\n\nTrês bombeiros ficaram feridos e duas "
     "aldeias foram evacuadas."),
    ("es", "MADRID, 6 nov – La nueva entrega de la saga de videojuegos bélicos lleva a los "
     "jugadores a misiones de asalto con francotiradores y bombardeos en una ciudad sitiada."),
])
def test_fires_fought_and_war_games_are_no_incident(lang, text):
    assert extract_article(text, title="", published="2026-08-18", language=lang).incidents == []
