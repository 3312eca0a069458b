"""Polish: the same red flags as `en.py`. Written with Polish letters; they match with or
without them. Phrases list the present ("krwawię", "krwawi") and what has just begun ("zaczęłam
krwawić"); a finished event told as feedback ("miałam krwawienie w 20. tygodniu, wszystko było
dobrze") does not signpost. How the lists work together: see `bot.safety`.
"""

from __future__ import annotations

SHORT_FORMS: dict[str, str] = {}

#: Danger wherever they stand.
PHRASES = [
    # ── krwawienie ────────────────────────────────────────────────────────────────────────
    "krwawię", "krwawi", "krwawisz", "krwawią", "krwawimy", "krwawić", "krwawiąc", "mam krwawienie",
    "mam silne krwawienie", "dużo krwi leci", "chlust*", "mam krwotok", "to krwotok",
    "krwawienie od", "krwawienie ... od rana", "krwawienie ... od wczoraj", "krwawienie ... nie",
    "krwawienie ... coraz", "krwawienie ... mocniejsze", "krwawienie ... silniejsze",
    "krwawienie ... się nasila", "pojawiło się krwawienie", "pojawiła się krew", "jest krew",
    "widzę krew", "krew na", "krew ... podpas*", "krew przy", "krew ... leci", "leci ... krew",
    "leci krew", "leje się krew", "leje się ... krew", "cieknie krew", "przesiąk*",
    "podpaska ... godzin*", "podpaski ... godzin*", "zmieniam podpask*", "plamię", "mam plamienie",
    "krew ... majtk*", "zaczęłam krwawić", "zaczęła krwawić", "zaczynam krwawić",
    "nie przestaje krwawić", "nadal krwaw*", "wciąż krwaw*", "ciągle krwaw*", "cały czas krwaw*",
    "coraz ... krwaw*", "dalej krwaw*", "krwawienie ... po porodzie ... nie", "krwawi ... mocno",
    "mocno krwawię", "mocno krwawi", "bardzo krwawię", "bardzo krwawi",
    # ── wody płodowe ──────────────────────────────────────────────────────────────────────
    "właśnie odeszły", "chyba odeszły ... wody", "odchodzą ... wody", "wody ... odchodzą",
    "pękł ... pęcherz", "pęcherz ... pękł", "sączy się", "sączą się", "sączenie",
    "cieknie ... woda", "cieknie ... płyn", "cieknie mi", "leci ... woda", "leci ... płyn",
    "wycieka ... płyn", "wycieka ... woda", "płyn ... wycieka", "płyn ... cieknie",
    "wyciek* ... płyn*", "wyciek* ... wód", "mokro ... majtk*", "mokre majtki", "przemoczon*",
    "chlusnęło", "chlust",
    # ── ruchy dziecka ─────────────────────────────────────────────────────────────────────
    "dalej nic", "nadal nic", "wciąż nic", "ciągle nic", "zero ruchów", "zero kopniaków",
    "nie rusza się", "nie rusza", "się nie rusza", "nie ruszało się", "nie ruszał się",
    "nie ruszała się", "rusza się mniej", "rusza się ... mniej", "rusza się słabiej",
    "słabiej się rusza", "rusza się ... słabiej", "rusza się ... inaczej", "inaczej się rusza",
    "ledwo się rusza", "prawie się nie rusza", "przestał* się ruszać", "przestał* kopać",
    "nie kopie", "nie kopało", "nie kopał*", "nie czuję ... ruch*", "nie czuję ... kopn*",
    "nie czuję ... dziecka", "nie czuję ... go", "nie czuję ... jej", "nie czułam ... ruch*",
    "nie czuła ... ruch*", "nie czuje ... ruch*", "nie czuje ... kopn*", "nie wyczuwam ... ruch*",
    "nie wyczuwam", "brak ruchów", "mało ruchów", "słabsze ruchy", "ruchy ... słabsze",
    "ruchy ... mniej", "ruchy ... rzadsze", "rzadsze ruchy", "ruchy ... zmieniły", "ruchy ... inne",
    "ruchów ... nie ma", "nie ma ... ruchów", "cisza w brzuchu", "bardzo spokojne", "za spokojne",
    "dziwnie spokojne", "mniej aktywne", "mniej aktywny", "mniej aktywna",
    # ── ból głowy, wzrok, obrzęki ─────────────────────────────────────────────────────────
    "silny ból głowy", "straszny ból głowy", "ogromny ból głowy", "okropny ból głowy",
    "potworny ból głowy", "bardzo boli ... głowa", "głowa ... bardzo boli",
    "głowa ... strasznie boli", "głowa ... nie przestaje", "ból głowy ... nie przechodzi",
    "ból głowy ... od", "ból głowy ... mroczki", "ból głowy i", "boli mnie głowa ... od",
    "rozsadza ... głow*", "pęka ... głowa", "jak przez mgłę", "pod żebrami", "pod żebrem",
    "pod prawym żebrem", "przed oczami", "migając*", "światełka", "boli mnie głowa", "boli głowa",
    "głowa mnie boli", "głowa boli", "mroczk*", "błyski", "błyska", "błyskają", "mroczy",
    "rozmazan*", "zamazan*", "niewyraźnie widzę", "widzę ... niewyraźnie", "widzę ... podwójnie",
    "podwójnie widzę", "nie widzę ... dobrze", "słabo widzę", "plamy przed oczami",
    "ciemno przed oczami", "gwiazdki przed oczami", "iskry przed", "spuchnięt* ... twarz",
    "twarz ... spuchnięt*", "twarz ... spuchła", "spuchła ... twarz", "opuchnięt* ... twarz",
    "twarz ... opuchnięt*", "obrzęk* ... twarz*", "obrzęk* ... rąk", "obrzęk* ... dłoni",
    "obrzęk* ... nóg", "ręce ... spuchnięte", "dłonie ... spuchnięte", "ręce ... spuchły",
    "dłonie ... spuchły", "nogi ... spuchły", "nagle spuch*", "nagle ... opuch*", "nagły obrzęk",
    "puchnę", "puchnie",
    # ── silny ból, gorączka, drgawki, klatka piersiowa, oddech, łydka ─────────────────────
    "silny ból", "ostry ból", "okropny ból", "straszny ból", "ogromny ból", "potworny ból",
    "nie do wytrzymania", "nie do zniesienia", "bardzo boli ... brzuch", "brzuch ... bardzo boli",
    "brzuch ... strasznie boli", "strasznie boli", "boli ... strasznie", "bardzo mnie boli",
    "ból ... nie przechodzi", "ból ... nie mija", "ból ... coraz", "ból ... z jednej strony",
    "ból ... barku", "ból w barku", "boli ... bark", "skręca mnie", "zwija mnie", "ból brzucha",
    "ból w klatce", "ból ... klatce", "boli ... klatka", "kłuje ... serce", "kłucie ... klatce",
    "klatce piersiowej", "duszność*", "duszę się", "się duszę", "kaszl* krwi*", "nie odpowiada",
    "trzęsie się", "się trzęsie", "złapać tchu", "mdleję", "zaraz zemdleję", "mam gorączkę",
    "ma gorączkę", "mam zapalenie piersi", "dusi mnie w", "nie mogę oddychać",
    "nie mogę złapać oddechu", "brakuje mi powietrza", "brak powietrza", "ciężko ... oddycha*",
    "ciężko mi oddychać", "trudno ... oddycha*", "łapię powietrze", "łydka ... spuchnięta",
    "spuchnięta łydka", "łydka ... boli", "boli ... łydka", "łydka ... czerwona",
    "noga ... spuchnięta", "spuchnięta noga", "mam gorączkę", "wysoka temperatura",
    "mam temperaturę", "temperatura ... 38", "temperatura ... 39", "temperatura ... 40",
    "38 stopni", "39 stopni", "40 stopni", "dreszcze", "trzęsie mnie", "trzęsę się", "zimne poty",
    "atak* padaczki", "atak* drgawek", "mdleję", "straciła przytomność", "stracił przytomność",
    "traci przytomność", "zawroty głowy", "kręci mi się w głowie", "sinieje", "sina", "sine usta",
    "nie oddycha", "wiotk*", "bezwładn*", "nie mogę ... obudzić", "nie budzi się",
    "świąd ... dłoni", "swędzą ... dłonie", "swędzi ... dłonie", "swędzą ... stopy", "skurcze co",
    "twardnieje ... co", "cuchnąc*", "śmierdząc* ... wydzielin*", "wydzielina ... śmierdzi",
    "rana ... ropa", "ropieje", "rana ... otworzyła", "pierś ... czerwona", "czuję się bardzo źle",
    "bardzo źle się czuję", "coś jest nie tak", "coś jest bardzo nie tak", "coś nie tak",
    # ── myśli o skrzywdzeniu siebie albo dziecka ──────────────────────────────────────────
    "zabić się", "zabiję się", "zabije się", "odebrać sobie życie", "odbiorę sobie życie",
    "samobój*", "nie chcę żyć", "nie chcę już żyć", "nie chce mi się żyć", "chcę umrzeć",
    "chciałabym umrzeć", "chciałbym umrzeć", "wolałabym umrzeć", "wolałabym nie żyć",
    "lepiej ... nie żyć", "lepiej ... beze mnie", "lepiej by było beze mnie", "skończyć ze sobą",
    "skończę ze sobą", "skończyć z tym wszystkim", "skończyć z tym", "zrobić sobie krzywdę",
    "zrobię sobie krzywdę", "robię sobie krzywdę", "krzywdę sobie", "sobie krzywdę", "okalecz*",
    "tnę się", "ciąć się", "pocięłam", "nie chcę się ... obudzić", "nie obudzić się",
    "zasnąć i się nie obudzić", "zniknąć na zawsze", "chcę zniknąć", "nie dam ... rady",
    "żeby to się ... skończyło", "się zabić", "wyskoczyć", "wyskoczę", "z okna", "się tnę",
    "sensu ... żyć", "nie widzę sensu", "zniknąć", "to zakończyć", "o tabletkach",
    "dość wszystkiego", "o skoku", "na moście", "nie żyć", "coś mu zrobię", "coś jej zrobię",
    "coś zrobię", "pożegnaln*", "się nie obudz*", "nie obudzić się", "nie dam rady",
    "nie daję rady", "nie radzę sobie", "nie wytrzymam", "nie wytrzymuję", "nie ma sensu ... żyć",
    "życie ... nie ma sensu", "bez sensu ... życie", "nie mam po co żyć", "przedawkow*",
    "tabletki ... wszystkie", "wszystkie tabletki", "zbieram tabletki", "odkładam tabletki",
    "skoczyć z", "rzucić się pod", "skrzywdzić ... dzieck*", "skrzywdzę ... dzieck*",
    "skrzywdzi ... dzieck*", "krzywdę dziecku", "krzywdę ... dziecku", "zrobić ... krzywdę",
    "potrząsnąć", "potrząsnę", "udusić", "uduszę", "uduszenie", "wyrzucić ... dziecko",
    "upuścić ... dziecko", "nie upilnuję", "nie jest bezpieczne ze mną", "boję się ... zrobię",
    "boję się ... skrzywdzę", "straszne myśli", "okropne myśli", "czarne myśli", "mroczne myśli",
    "słyszę głosy", "głosy ... każą", "głosy w głowie", "nikt by ... nie zauważył",
    "nikt by ... nie tęsknił", "nienawidzę siebie", "bez nadziei", "nie mogę przestać płakać",
    # ── ktoś krzywdzi ─────────────────────────────────────────────────────────────────────
    "bije mnie", "mnie bije", "bił mnie", "mnie bił", "biją mnie", "pobił mnie", "mnie pobił",
    "uderzył mnie", "mnie uderzył", "uderza mnie", "mnie uderza", "uderzyła mnie", "kopnął mnie",
    "mnie kopnął", "kopie mnie ... mąż", "popycha mnie", "mnie popycha", "popchnął mnie",
    "mnie popchnął", "szarpie mnie", "mnie szarpie", "szarpał mnie", "dusi mnie", "mnie dusi",
    "dusił mnie", "mnie dusił", "złapał mnie za gardło", "ciągnie mnie za włosy",
    "ciągnął mnie za włosy", "rzuca ... we mnie", "rzucił ... we mnie", "krzywdzi mnie",
    "mnie krzywdzi", "skrzywdził mnie", "grozi mi", "mi grozi", "groził mi", "grozi ... zabiciem",
    "grozi, że", "zabije mnie", "mnie zabije", "zabiję cię", "boję się ... męża",
    "boję się ... partnera", "boję się ... chłopaka", "boję się ... byłego", "boję się go",
    "boję się jego", "boję się jej", "boję się wrócić", "boję się wracać", "boję się ... do domu",
    "boję się ... w domu", "nie jestem bezpieczna", "nie jestem ... bezpieczna",
    "nie czuję się bezpiecznie", "nie czuję się ... bezpieczna", "niebezpiecznie w domu",
    "znęca się", "znęcał się", "gwałt*", "zgwałc*", "zabierają mi", "nie mogę nigdzie wyjść",
    "nie mogę wyjść", "czyta ... wiadomości", "czyta moje", "ją bije", "bije ją", "go bije",
    "pomóżcie", "wyrzuci ... dziecko", "przez okno", "uciekłam z domu", "nas szuka", "mnie szuka",
    "w strachu", "leci ręka", "mnie szarpał", "o ścianę", "za włosy", "zmusza mnie", "zmusił mnie",
    "zmuszał mnie", "zmusza do", "kontroluje ... pieniądz*", "kontroluje ... telefon",
    "kontroluje mnie", "kontroluje wszystko", "nie pozwala mi", "zabiera mi telefon",
    "zabrał mi telefon", "sprawdza mi telefon", "zamyka mnie", "zamknął mnie", "nie wypuszcza mnie",
    "posiniaczon*", "podbite oko", "agresywn*", "robi się agresywny", "wyzywa mnie", "poniża mnie",
    "zmuszają ... ślub", "wydać za mąż", "krzywdzi ... dziecko", "bije ... dziecko", "przemacza*",
    "podpask* co", "nasilił*", "leje się ze mnie", "tracę ciążę", "dalej leci", "nadal leci",
    "ciągle leci", "wszędzie woda", "mokrym łóżku", "coś pękło", "nie siku", "sączą ... się",
    "sączy ... się", "zwolnił*", "nie czułam", "w ogóle ... nie czuję", "nie chce jeść",
    "nie chce pić", "nie je", "nie pije", "pod szklanką", "zatrzymuje ... oddech",
    "mokrej pieluchy", "ma wysoką temperaturę", "ma temperaturę", "ma gorączkę",
    "twardy jak kamień", "bardzo boli", "trzęsie mną", "strasznie zimno", "ściska",
    "brakuje mi tchu", "tu być", "z tym skończyć", "upuścić", "odłożon* tabletki", "mam tabletki",
    "wjechać w", "po co ja jestem", "lepszą matkę", "lepszej matki", "do krwi", "listy do",
    "list do", "z mostu", "wszystko zakończyć", "dość życia", "ile paracetamolu", "nie ufam sobie",
    "głosy mówią", "po co żyć", "gdyby mnie nie było", "mnie nie będzie", "mnie by nie było",
    "mnie ... nie będzie", "mnie ... uderzył", "zepchnął", "wszystko czyta", "nie wolno mi",
    "zabierze dziecko", "zabiorę dziecko", "żeby nie widział", "spali", "mnie znajdzie",
    "nie zobaczę", "sprawdza", "dotykał mnie", "dotyka mnie", "mam za swoje", "za karę", "uciec",
    "uciekłam", "nie mam gdzie", "nie mam dokąd", "napluł", "kopnie", "bije mamę", "bije matkę",
    "nie mogę wrócić", "wali w drzwi", "wali w nie", "rozwalił", "mi coś zrobi", "paszport",
    "wchodzi do mnie", "boję się samej siebie", "boję się siebie", "nie jest ze mną dobrze",
    "wydostać", "znalazłam ... linę", "jest gorący", "jest gorąca", "jest gorące", "jest rozpalon*",
    "spokojniejsz* niż zwykle", "dalej prawie nic", "nadal prawie nic", "prawie nic ... ruch*",
    "prawie nic nie czuję", "ale to on", "to był on", "mam siniaki", "nie może oddychać",
    "żeby puścić", "myślę żeby", "chyba poronię", "tyle krwi", "strasznie dużo krwi", "skrzepy jak",
    "brązow*", "brudnozielon*", "wystaje", "pulsuje", "nie ruszył* się", "go nie czuję",
    "jej nie czuję", "mniej kopie", "kopie mniej", "kompletna cisza", "pod biustem",
    "boli mnie pod", "mam opuchnięte", "mam spuchnięte", "skóra w plamy", "bez sensu gada*",
    "gadam bez sensu", "gada bez sensu", "trzęsło", "nie reaguj*", "dodychać", "przy wdechu",
    "co # minut*", "zimny w dotyku", "zimna w dotyku", "nie chce mleka", "nie ssie",
    "nie łapie piersi", "przestaje oddychać", "dobudzić", "drga", "w jeden punkt", "na zielono",
    "skrzydełka nosa", "ciemiączko", "nie siusiał*", "szary", "szara", "dziwnie oddycha",
    "spadł* z", "kwili", "ogrzać", "jak piec", "do morza", "już nie wrócić", "podmienił*", "diabeł",
    "mam plan", "zrobię to", "ze sobą skończ*", "skończy ze sobą", "obserwuje nas", "obserwują",
    "paranoj*", "beze mnie", "sznur", "na zawsze", "z tego świata", "nie czuję się ... bezpiecznie",
    "nie jest prawdziw*", "robot", "nic nie jest prawdziwe", "chce nas zabić", "wszystko jedno czy",
    "pod domem", "chodzi za mną", "przyniosłam wstyd", "zajmą", "przyjdzie po mnie", "pod oknem",
    "pobił", "przychodzi w nocy", "podpali", "włamał", "zakaz zbliżania", "nam groził",
    "nie pozwala", "o swoje życie", "każe mi", "zrobią mi krzywdę", "co mi robi", "będzie gorzej",
    "zabrał mi", "nie wyjdę", "to w toalecie", "siedzę w toalecie", "zamknęłam się",
    "duszę ... poduszką", "poduszką ... żeby", "pisze po ścianach", "nieprzytomn*",
    "robią się sin*", "robi się sin*", "usta ... sin*",
    # ── pojęcia, których brakowało (z tego, czego brakowało przy zbiorze 4, jako formy słów) ──
    # skrzepy jak kawałki; krew jak z kranu; pępowina, smółka; czop z krwią
    "przemocz*", "jak wątróbk*", "kawał* jak", "widać pępowin*",
    "pępowin* ... widać", "pępowin* ... wystaje", "czy to smółk*",
    "czop ... krwi*", "czop ... krew", "wody ... pośladkow*", "pośladkow* ... wody",
    # ruchy: domowy detektor tętna zamiast telefonu; kiedy ostatnio; nagle ucichł
    "detektor* tętna", "domowym detektor*", "doppler*", "serduszko ... poczekać",
    "kiedy ostatnio ... kop*", "kiedy ostatnio ... ruch*", "kiedy ostatnio ... czuł*",
    "nagle ucich*", "zupełnie ucich*", "jakaś spokojn*", "jakiś spokojn*", "nagle ... przestał*",
    # wzrok, stan przedrzucawkowy, głowa
    "iskier*", "iskierk*", "kropk* ... oczami", "białe kropki",
    "ciemnieje ... oczami", "ten ból głowy",
    "ten sam ból głowy", "twarz wielk*", "nogi wielkie", "łeb ... napie*",
    # rana się rozchodzi; przedwczesny poród; skurcze liczone
    "rana ... rozesz*", "rozesz* ... rana", "rana ... rozchodz*", "jak przy kupie", "co # min",
    # noworodek, jak go widzi rodzic
    "biał* kup*", "kup* biał*", "jak kreda", "oczy ... żółt*", "żółte oczy", "z przewijaka",
    "spadł* mi z", "z łóżka spadł*", "każdym oddechu", "kiwa główk*", "nie bledn*",
    "nie blednie", "nie blednął", "przycisn* szklank*", "fioletow* krop*", "fioletow* plam*",
    # myśli, by nie istnieć; plan; bez snu
    "nie istnieć", "przestać istnieć", "włączonym silnikiem", "spaliny", "i tak bez znaczenia",
    "bez znaczenia", "wszystko ... zaplanowałam", "już zaplanowałam", "jaki to ... ma sens",
    "po co to wszystko", "wysyła mi wiadomości", "wysyłają mi wiadomości",
    "nie spałam # dni", "nie spałam # doby", "nie śpię od # dni",
    # ktoś, kto nie może mówić swobodnie
    "nie spadłam", "nie upadłam", "to nie był wypadek", "skłamałam", "siedział obok",
    "był obok", "więcej nie mogę", "nie mogę więcej", "przyjść sama",
    "bez tłumaczenia", "bez rodziny", "nie dzwonić na mój", "nie dzwońcie", "proszę nie dzwonić",
    "czyta sms*", "czyta ... sms*", "czyta moje", "przychodzi pod", "ciągle przychodzi",
    "zna godziny", "zna ... moich wizyt", "chowa mi", "schował mi", "jak go zdenerwuj*",
    "jak się zdenerwuje", "przestan* odpisywać", "przestała odpisywać", "niech ktoś przyjedzie",
    "że zniknę", "kazał mi", "kazała mi", "on patrzy", "on widzi", "wyjść za kuzyn*",
    "mam wyjść za", "za mną chodzi", "za mną jeździ", "w domu ... burza",
]  # fmt: skip

#: Red-flag words: danger when a now-word is near, or in a message of a few words.
WORDS = [
    "krwaw*", "zakrwaw*", "krew", "krwi", "krwią", "krwotok*", "skrzep*", "plami*", "wydzielin*",
    "wody", "wód", "płyn*", "cieknie", "cieknąć", "ciekła", "mokra", "mokro", "ruch*", "rusza*",
    "kop*", "ucichł*", "ból*", "boli", "bolą", "boleć", "bolał*", "głowa", "głowy", "wzrok*",
    "oczami", "obrzęk*", "spuch*", "opuch*", "puchn*", "gorączk*", "dreszcze", "drgaw*", "zemdl*",
    "mdle*", "duszn*", "oddech*", "oddycha*", "klat*", "łydk*", "wymiot*", "swędz*", "świąd",
    "skurcz*", "twardy", "twardnieje", "natrętne myśli", "siny", "sina", "sine", "skrzep*",
    "siniak*", "przemoc*", "rozpalon*", "żółt*", "wysypk*", "pielusz*", "pieluch*", "ciche",
    "cichy", "cicha", "nieruchom*", "wierci", "wiercą", "zsinia*", "tabletk*", "leje", "leci",
    "prawie nic", "mniej ruchów", "drgawk*", "mniej się rusza", "cisza", "cichutk*", "upław*",
    "śmierdz*", "twardnien*", "parcie", "blad*", "senn*", "sinaw*", "wstyd", "strach*", "grozi*",
    "groził*", "zielon*", "smółk*", "kawałki", "wodnist*", "łeb",
    "napieprz*", "napierdal*", "padaczk*", "czop", "przedrzucawk*",
]  # fmt: skip

#: Words that say it is happening now, or has just begun.
NOW = [
    "teraz", "właśnie", "dzisiaj", "dziś", "od rana", "od wczoraj", "od kilku", "od dwóch",
    "od trzech", "od godziny", "od godzin", "od paru", "od porodu", "od tygodnia", "od nocy",
    "od śniadania", "od dwóch dni", "# tyg", "# tydzień", "# tc", "jestem ... tygodniu",
    "dopiero w", "wróciło", "wróciła", "wraca", "nadal", "wciąż", "ciągle", "czuję", "ona",
    "cały czas", "znowu", "znów", "coraz", "wczoraj", "tej nocy", "dzis", "nie wiem", "jestem w",
    "pomóżcie", "zaczęł*", "zaczyna*", "dni po porodzie", "dzień po porodzie", "od obiadu",
    "od kolacji", "od poniedziałku", "od wtorku", "od środy", "od czwartku", "od piątku",
    "od soboty", "od niedzieli", "od wieczora", "od południa", "ostatnie dni", "ostatnie dwa dni",
    "ostatnie noce", "dwie ostatnie noce", "przez ostatnie", "# dni po", "tydzień temu",
    "bez przerwy", "cały dzień", "cały wieczór", "całą noc", "# dni temu", "dni temu",
    "godzinę temu", "godziny temu", "godzin temu", "minut temu", "chwilę temu", "dalej",
    "już prawie", "nikt nie dzwoni*", "nikt nie oddzwonił", "nikt nie odbiera", "min temu",
    "jeszcze nie", "nie oddzwonił*", "od wtorku", "ma # dni", "ma # tyg", "# tygodnie",
    "dopiero co", "# godzin*", "kilka godzin", "kilku godzin", "paru godzin", "od tego czasu",
    "już drugi", "niż zwykle", "już trzeci", "nagle", "w tym tygodniu",
]  # fmt: skip

#: Now-words that belong to a story that has ended well, so they do not count.
SETTLED = [
    "teraz czuję się dobrze", "teraz jest dobrze", "teraz wszystko", "teraz ma", "teraz jest",
    "jest już dobrze", "już dobrze", "wszystko dobrze", "wszystko było dobrze",
    "wszystko w porządku", "w porządku", "przeszło", "minęło", "wyzdrowiał*", "zdrow*", "było ok",
    "wszystko poszło", "poszło szybko", "poszło sprawnie", "że to normalne", "jest dobrze",
    "była mała", "był mały", "na świecie", "wyleczon*", "okazało się", "coraz lepiej", "teraz mam",
    "jest ok", "jest okej", "idealnie", "pomogła", "pomogło", "pomogli", "już ich nie mam",
    "opanowali", "wyleczyli", "wróciliśmy do domu", "zdrowa", "zdrowy", "poród do wody", "do wody",
    "ma już", "syn ma", "córka ma", "roczek", "teraz w domu", "jest super", "nic poważnego",
    "dziecko ok", "ulga", "świetnie", "mamy się", "wszystko czyste", "czyste", "dawno", "za mną",
    "zdrowa", "zdrowy", "wszystko ok", "wszystko okej", "okaza*", "uspokoi*", "poszło gładko",
    "gładko", "w dobrych rękach", "odesłali do domu", "tydzień później", "dzień później",
    "jest w domu", "już w domu", "ładnie je", "w zeszłym miesiącu", "w poprzedniej ciąży",
    "poprzedniej ciąży", "w pierwszej ciąży", "szczęśliw*",
]  # fmt: skip

#: Words that only look alarming: read as no words at all.
IDIOMS = [
    "można się ... udusić", "można się było udusić", "wyniki krwi", "wynik krwi",
    "badani* krwi", "pobrani* krwi", "morfologi*", "grupa krwi", "grupę krwi", "cukier we krwi",
    "nigdy nie czułam się",
]  # fmt: skip

#: Words that signpost only in a message of a few words.
ALONE = ["pomocy", "ratunku", "pomóżcie", "boję się", "umieram", "sos"]

#: Words that begin a clause of its own: "wtedy wszystko było dobrze, ale dziś ..."
CONTRAST = ["ale", "jednak", "lecz", "natomiast"]

#: Words that ask what to do: a red-flag word anywhere in the same message signposts.
ASKING = [
    "co mam robić", "co robić?", "co teraz", "co mamy robić", "czy to normalne", "czy mogę",
    "czy powinnam", "czy to ok", "czy mam", "czekać", "pomóżcie",
]  # fmt: skip
