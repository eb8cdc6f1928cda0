// `asynclab quiz`: reading and grading answers in-process, then the binary end to end — right
// answers pass and are recorded, wrong ones keep the best score, predict answers equal what `run`
// prints for the same knobs, end of input records nothing, and every bad usage is one line, exit 2.
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <set>

#include "asynclab/lessons/lesson.hpp"
#include "asynclab/lessons/text.hpp"
#include "commands.hpp"
#include "quiz/quiz.hpp"
#include "quiz_helpers.hpp"

using namespace asynclab;
using namespace asynclab::cli;
using namespace asynclab::testing;
using nlohmann::json;

namespace {

json progress_json(const TempHome& home) {
    const SpawnResult r = launch({"progress", "--json"}, {home.env()});
    REQUIRE(r.exit_code == 0);
    return json::parse(r.out);
}

json lesson_progress(const TempHome& home, int lesson) {
    return progress_json(home)["lessons"][lesson - 1];
}

/// A question as make_quiz sets it, in the file's order of choices.
QuizQuestion as_set(const lessons::Question& q, AnswerKind kind) {
    QuizQuestion out;
    out.source = &q;
    out.kind = kind;
    out.choices = q.choices;
    out.right = q.answer;
    std::sort(out.right.begin(), out.right.end());
    return out;
}

const lessons::Question& first_question(int lesson, bool predict, bool several = false) {
    for (const auto& q : lessons::lesson_text(lesson).questions) {
        if (q.predict.has_value() == predict && (predict || (q.answer.size() > 1) == several))
            return q;
    }
    FAIL("no such question");
    std::abort();
}

}  // namespace

TEST_CASE("reading typed answers: letters in any reasonable form, numbers with units") {
    const lessons::Question& single = first_question(3, false);
    const lessons::Question& several = first_question(3, false, true);
    const lessons::Question& predict = first_question(3, true);
    const QuizQuestion one = as_set(single, AnswerKind::Letters);
    const QuizQuestion many = as_set(several, AnswerKind::Letters);
    QuizQuestion number = as_set(predict, AnswerKind::Number);
    number.right_value = 0.06;
    std::string problem;

    CHECK(read_answer(one, "b", problem)->letters == std::vector<int>{1});
    CHECK(read_answer(one, " B ", problem)->letters == std::vector<int>{1});
    CHECK(read_answer(one, "b)", problem)->letters == std::vector<int>{1});
    for (const char* typed : {"a,b", "ab", "a+b", "A B", "b, a", "a;b", "aab"}) {
        CAPTURE(typed);
        const auto a = read_answer(many, typed, problem);
        REQUIRE(a);
        CHECK(a->letters == std::vector<int>{0, 1});
    }
    CHECK(!read_answer(one, "ab", problem));
    CHECK(problem.find("single letter") != std::string::npos);
    CHECK(!read_answer(one, "z", problem));
    CHECK(problem.find("from a to d") != std::string::npos);
    CHECK(!read_answer(one, "", problem));
    CHECK(!read_answer(one, "0.3", problem));

    for (const char* typed :
         {"0.06", "0.06s", "0.06 s", " 60 ms", "0.06 seconds", "+0.06", ".06"}) {
        CAPTURE(typed);
        const auto a = read_answer(number, typed, problem);
        REQUIRE(a);
        CHECK(is_right(number, *a));
    }
    CHECK(!is_right(number, *read_answer(number, "0.07", problem)));
    CHECK(is_right(number,
                   *read_answer(number, "0.0605", problem)));  // within the tolerance of 0.001
    CHECK(!read_answer(number, "0,06", problem));
    CHECK(problem.find("use a dot") != std::string::npos);
    for (const char* bad : {"b", "", "nan", "inf", "1e999", "0.06 m", "--1", "0.06.1"}) {
        CAPTURE(bad);
        CHECK(!read_answer(number, bad, problem));
        CHECK(!problem.empty());
    }
    CHECK(answer_text(many, *read_answer(many, "ca", problem)) == "a+c");
    CHECK(answer_text(number, *read_answer(number, "60ms", problem)) == "0.06 s");
    CHECK(format_number(0.30000000000000004) == "0.3");
    CHECK(format_number(3.0) == "3");
}

TEST_CASE("orders and words: read in any reasonable form, with Chinese punctuation too") {
    lessons::Question source;
    source.predict = lessons::Predict{};
    QuizQuestion order;
    order.source = &source;
    order.kind = AnswerKind::Sequence;
    order.right_words = {"C", "A", "B"};
    std::string problem;
    for (const char* typed :
         {"C, A, B", "C A B", "CAB", "c>a>b", " c ; a ; b ", "C，A，B", "C、A、B"}) {
        CAPTURE(typed);
        const auto a = read_answer(order, typed, problem);
        REQUIRE(a);
        CHECK(is_right(order, *a));
    }
    CHECK(!is_right(order, *read_answer(order, "A B C", problem)));
    CHECK(!read_answer(order, "C A", problem));
    CHECK(problem == "list all 3 in order, like A, B, C");
    CHECK(right_answer_text(order) == "C > A > B");

    QuizQuestion workers = order;
    workers.right_words = {"w1", "w0", "w1"};
    CHECK(is_right(workers, *read_answer(workers, "w1 w0 w1", problem)));
    CHECK(!read_answer(workers, "w1w0w1", problem));  // items of two characters need separators

    QuizQuestion word = order;
    word.kind = AnswerKind::Word;
    word.right_words = {"half-open"};
    CHECK(is_right(word, *read_answer(word, " Half-Open ", problem)));
    CHECK(!is_right(word, *read_answer(word, "open", problem)));
    CHECK(!read_answer(word, "half open", problem));
    word.right_words = {"yes"};
    for (const char* typed : {"yes", "Y", "true", "是"})
        CHECK(is_right(word, *read_answer(word, typed, problem)));
    CHECK(!is_right(word, *read_answer(word, "否", problem)));

    const QuizQuestion many = as_set(first_question(3, false, true), AnswerKind::Letters);
    CHECK(read_answer(many, "a，b", problem)->letters == std::vector<int>{0, 1});
    CHECK(read_answer(many, "b、a", problem)->letters == std::vector<int>{0, 1});
    CHECK(read_answer(many, "a＋b", problem)->letters == std::vector<int>{0, 1});
    CHECK(read_answer(many, "a；b", problem)->letters == std::vector<int>{0, 1});
    CHECK(read_answer(many, "a\u3000b", problem)->letters == std::vector<int>{0, 1});
    CHECK(is_right(order, *read_answer(order, "C＞A＞B", problem)));
    word.right_words = {"no"};
    for (const char* typed : {"no", "否", "不"})
        CHECK(is_right(word, *read_answer(word, typed, problem)));
}

TEST_CASE("the same answers in either language: Chinese units and measure words") {
    const lessons::Question& predict = first_question(3, true);
    QuizQuestion seconds = as_set(predict, AnswerKind::Number);
    seconds.right_value = 0.06;
    std::string problem;
    for (const char* typed : {"0.06秒", "0.06 秒", "60 毫秒", "60毫秒"}) {
        CAPTURE(typed);
        const auto a = read_answer(seconds, typed, problem);
        REQUIRE(a);
        CHECK(is_right(seconds, *a));
    }
    lessons::Question counted = predict;
    counted.predict->unit = "items";
    QuizQuestion items = as_set(counted, AnswerKind::Number);
    items.right_value = 3;
    for (const char* typed : {"3", "3 items", "3 个", "3项", "3 次"}) {
        CAPTURE(typed);
        const auto a = read_answer(items, typed, problem);
        REQUIRE(a);
        CHECK(is_right(items, *a));
    }
    CHECK(!read_answer(items, "3 秒", problem));
}

TEST_CASE("choices are shuffled per attempt, seeded, and the right answer follows its text") {
    const lessons::Lesson& lesson = *lessons::find_lesson(3);
    const lessons::LessonText& text = lessons::lesson_text(3);
    std::size_t q = 0;
    while (text.questions[q].predict) ++q;
    const lessons::Question& source = text.questions[q];
    std::set<std::vector<std::string>> orders;
    for (std::uint64_t seed = 1; seed <= 12; ++seed) {
        const Quiz quiz = make_quiz(lesson, text, seed);
        const QuizQuestion& set = quiz.questions[q];
        CHECK(set.choices.size() == source.choices.size());
        REQUIRE(set.right.size() == source.answer.size());
        for (std::size_t i = 0; i < set.right.size(); ++i) {
            CHECK(set.choices[static_cast<std::size_t>(set.right[i])] ==
                  source.choices[static_cast<std::size_t>(source.answer[0])]);
        }
        orders.insert(set.choices);
        CHECK(make_quiz(lesson, text, seed).questions[q].choices == set.choices);  // replayable
    }
    CHECK(orders.size() > 3);
}

TEST_CASE("a score is rounded, not truncated") {
    CHECK(Score{.right = 5, .total = 6}.percent() == 83);
    CHECK(Score{.right = 2, .total = 3}.percent() == 67);
    CHECK(Score{.right = 1, .total = 3}.percent() == 33);
    CHECK(Score{.right = 7, .total = 7}.percent() == 100);
    CHECK(Score{.right = 0, .total = 0}.percent() == 0);
}

TEST_CASE(
    "a quiz is the same for a seed and new for another; its predict prompts carry the drawn "
    "values") {
    const lessons::Lesson& lesson = *lessons::find_lesson(1);
    const lessons::LessonText& text = lessons::lesson_text(1);
    const Quiz a = make_quiz(lesson, text, 1);
    const Quiz b = make_quiz(lesson, text, 1);
    REQUIRE(a.questions.size() == text.questions.size());
    bool differs = false;
    for (std::uint64_t seed = 2; seed < 12; ++seed) {
        const Quiz c = make_quiz(lesson, text, seed);
        for (std::size_t i = 0; i < a.questions.size(); ++i)
            differs = differs || c.questions[i].prompt != a.questions[i].prompt;
    }
    CHECK(differs);
    for (std::size_t i = 0; i < a.questions.size(); ++i) {
        CHECK(a.questions[i].prompt == b.questions[i].prompt);
        CHECK(a.questions[i].right_value == b.questions[i].right_value);
        if (!a.questions[i].predict()) continue;
        CHECK(a.questions[i].prompt.find('{') == std::string::npos);
        CHECK(a.questions[i].check_command.starts_with("asynclab run 1 --clock virtual --demo "));
    }
    REQUIRE(a.questions.size() == 9);
    CHECK(a.pass_mark() == 8);  // 80% of 9, rounded up
}

TEST_CASE("--answers: one entry per question; too few, too many or unreadable is a usage error") {
    const Quiz quiz = make_quiz(*lessons::find_lesson(1), lessons::lesson_text(1), 3);
    CHECK_THROWS_AS(read_answer_list(quiz, "a"), UsageError);
    CHECK_THROWS_WITH_AS(
        read_answer_list(quiz, "a,a,a,a,a,a,a,a"),
        doctest::Contains("--answers gives 8 answers but lesson 1's quiz has 9 questions"),
        UsageError);
    CHECK_THROWS_WITH_AS(read_answer_list(quiz, "a,x,a,a,a,a,a,A>B>C,a"),
                         doctest::Contains("answer 2 ('x')"), UsageError);
    CHECK(read_answer_list(quiz, placeholder_answers(1, 3)).size() == 9);
    CHECK_THROWS_WITH_AS(read_answer_list(quiz, "a,0,0,a,a,a,a,A>B,a"),
                         doctest::Contains("answer 8 ('A>B'): list all 3 in order, like A, B, C"),
                         UsageError);
}

TEST_CASE(
    "quiz N --answers: right answers pass (exit 0, list shows it); wrong ones fail and keep the "
    "best") {
    for (int n : all_lesson_numbers()) {
        CAPTURE(n);
        const TempHome home;
        const json quiz = quiz_for(n, 11);
        const std::string right = right_answers(quiz);
        const SpawnResult pass =
            launch({"quiz", std::to_string(n), "--seed", "11", "--answers", right}, {home.env()});
        CHECK_MESSAGE(pass.exit_code == 0, pass.out << pass.err);
        CHECK(pass.err.empty());
        CHECK(pass.out.find("Passed") != std::string::npos);
        CHECK(pass.out.find('\x1b') == std::string::npos);  // piped: no colour

        const SpawnResult list = launch({"list"}, {home.env()});
        CHECK(list.exit_code == 0);
        const std::string line = list.out.substr(
            list.out.find(std::to_string(n) + "  " + lessons::find_lesson(n)->slug));
        CHECK(line.substr(0, line.find('\n')).find("passed") != std::string::npos);
        const SpawnResult list_json = launch({"list", "--json"}, {home.env()});
        CHECK(json::parse(list_json.out)[n - 1]["progress"]["passed"] == true);

        const SpawnResult fail = launch(
            {"quiz", std::to_string(n), "--seed", "11", "--answers", placeholder_answers(n, 11)},
            {home.env()});
        CHECK(fail.exit_code == 1);
        CHECK(fail.out.find("Not passed") != std::string::npos);
        const json p = lesson_progress(home, n);
        CHECK(p["quiz_attempts"] == 2);
        CHECK(p["best_score"]["percent"] == 100);
        CHECK(p["passed"] == true);
    }
}

TEST_CASE("quiz 3 (the issue's example): all right exits 0 and list shows lesson 3 passed") {
    const TempHome home;
    const SpawnResult first =
        launch({"quiz", "3", "--seed", "5", "--answers", placeholder_answers(3, 5)}, {home.env()});
    CHECK(first.exit_code == 1);
    const SpawnResult right = launch(
        {"quiz", "3", "--seed", "5", "--answers", right_answers(quiz_for(3, 5))}, {home.env()});
    CHECK(right.exit_code == 0);
    CHECK(lesson_progress(home, 3)["passed"] == true);
    CHECK(lesson_progress(home, 3)["best_score"]["right"] ==
          lessons::lesson_text(3).questions.size());
}

namespace {

/// "handled_by.w0" in a demo of `run --json`: a metric, then a field or an index at each dot.
json figure_at(const json& demo, const std::string& path) {
    std::size_t dot = path.find('.');
    const std::string head = path.substr(0, dot);
    json v = head == "duration_s" ? demo["duration_s"] : demo["metrics"][head];
    while (dot != std::string::npos) {
        const std::size_t next = path.find('.', dot + 1);
        const std::string key = path.substr(dot + 1, next - dot - 1);
        v = v.is_array() ? json(v[std::stoul(key)]) : json(v[key]);
        dot = next;
    }
    return v;
}

/// A scalar figure as the quiz words it.
std::string word_of(const json& v) {
    if (v.is_boolean()) return v.get<bool>() ? "yes" : "no";
    if (v.is_string()) return v.get<std::string>();
    return v.dump();
}

}  // namespace

TEST_CASE(
    "a predict answer equals the figure `run N --clock virtual --json` prints for the same knobs") {
    for (int n : all_lesson_numbers()) {
        for (std::uint64_t seed : {1, 2, 3}) {
            CAPTURE(n);
            CAPTURE(seed);
            const json quiz = quiz_for(n, seed);
            for (const auto& q : quiz["questions"]) {
                if (!q.contains("demo")) continue;
                CAPTURE(q["prompt"]);
                std::vector<std::string> args{"run",    std::to_string(n), "--clock", "virtual",
                                              "--json", "--demo",          q["demo"]};
                for (const auto& [name, value] : q["knobs"].items()) {
                    args.push_back("--" + name);
                    args.push_back(value.get<std::string>());
                    CHECK(q["prompt"].get<std::string>().find(value.get<std::string>()) !=
                          std::string::npos);
                }
                const TempHome home;
                const SpawnResult run = launch(args, {home.env()});
                REQUIRE(run.exit_code == 0);
                const json figure =
                    figure_at(json::parse(run.out)["demos"][0], q["metric"].get<std::string>());
                if (q["kind"] == "predict") {
                    CHECK(figure.get<double>() == q["right"].get<double>());
                } else if (q["kind"] == "order") {
                    std::vector<std::string> words;
                    for (const auto& item : figure) words.push_back(word_of(item));
                    CHECK(words == q["right"].get<std::vector<std::string>>());
                } else if (q["kind"] == "word") {
                    CHECK(q["right"] == json::array({word_of(figure)}));
                } else {  // a choice the run picks: the right letter's text reads as the figure
                    REQUIRE(q["right"].size() == 1);
                    const auto letter = q["right"][0].get<std::string>()[0] - 'a';
                    CHECK(
                        same_word(q["choices"][static_cast<std::size_t>(letter)].get<std::string>(),
                                  word_of(figure)));
                }
            }
        }
    }
}

TEST_CASE("--json reports each question, the given and right answers and the score") {
    const TempHome home;
    const json quiz = quiz_for(1, 4);
    const SpawnResult r = launch(
        {"quiz", "1", "--seed", "4", "--json", "--answers", right_answers(quiz)}, {home.env()});
    CHECK(r.exit_code == 0);
    const json j = json::parse(r.out);
    CHECK(j["lesson"]["number"] == 1);
    CHECK(j["seed"] == 4);
    CHECK(j["score"] == json{{"right", 9}, {"total", 9}, {"percent", 100}, {"passed", true}});
    CHECK(j["pass_mark"]["percent"] == 80);
    CHECK(j["progress"]["quiz_attempts"] == 1);
    for (const auto& q : j["questions"]) {
        CHECK(q["correct"] == true);
        CHECK(q["given"] == q["right"]);
        CHECK(!q["explain"].get<std::string>().empty());
    }
}

TEST_CASE("answers on a pipe: one per line, an unreadable one asked again, not counted wrong") {
    const TempHome home;
    const json quiz = quiz_for(1, 8);
    std::string in = "zzz\n\n";  // unreadable twice, then every right answer
    for (const auto& q : quiz["questions"]) {
        if (q["kind"] == "predict") {
            in += q["right"].dump() + " s\n";
        } else {
            std::string letters;
            for (const auto& l : q["right"])
                letters += (letters.empty() ? "" : ",") + l.get<std::string>();
            in += letters + "\n";
        }
    }
    const SpawnResult r = launch({"quiz", "1", "--seed", "8"}, {home.env()}, in);
    CHECK_MESSAGE(r.exit_code == 0, r.out);
    CHECK(r.out.find("'zzz' is not one of the choices") != std::string::npos);
    CHECK(r.out.find("try again") != std::string::npos);
    const std::size_t n = lessons::lesson_text(1).questions.size();
    CHECK(r.out.find(fmt::format("Score: {} of {} (100%)", n, n)) != std::string::npos);
    // On a line of its own when it does not fit after its label (80 columns here).
    CHECK(r.out.find("See it run:\n      asynclab run 1 --clock virtual --demo") !=
          std::string::npos);
    CHECK(lesson_progress(home, 1)["passed"] == true);
}

TEST_CASE("end of input in the middle of a quiz leaves the saved progress as it was") {
    const TempHome home;
    const json quiz = quiz_for(1, 9);
    REQUIRE(
        launch({"quiz", "1", "--seed", "9", "--answers", placeholder_answers(1, 9)}, {home.env()})
            .exit_code == 1);
    const std::string before = slurp(home.file());
    REQUIRE(!before.empty());

    const SpawnResult prose = launch({"quiz", "1", "--seed", "9"}, {home.env()}, "a\n1\n");
    CHECK(prose.exit_code == 1);
    CHECK(prose.out.find(fmt::format("stopped at question 3 of {}: nothing was recorded",
                                     lessons::lesson_text(1).questions.size())) !=
          std::string::npos);
    const SpawnResult quit = launch({"quiz", "1"}, {home.env()}, "a\nq\n");
    CHECK(quit.exit_code == 1);
    const SpawnResult piped_json = launch({"quiz", "1", "--json"}, {home.env()}, "a\n");
    CHECK(piped_json.exit_code == 1);
    CHECK(piped_json.out.empty());
    CHECK(lines(piped_json.err) == 1);
    const SpawnResult nothing = launch({"quiz", "1"}, {home.env()});  // stdin is /dev/null
    CHECK(nothing.exit_code == 1);
    CHECK(slurp(home.file()) == before);
}

TEST_CASE("without N the quiz is on the first lesson not passed yet") {
    const TempHome home;
    const SpawnResult first =
        launch({"quiz", "--seed", "2", "--json", "--answers", right_answers(quiz_for(1, 2))},
               {home.env()});
    CHECK(first.exit_code == 0);
    CHECK(json::parse(first.out)["lesson"]["number"] == 1);
    const SpawnResult second = launch(
        {"quiz", "--seed", "6", "--json", "--answers", placeholder_answers(2, 6)}, {home.env()});
    CHECK(json::parse(second.out)["lesson"]["number"] == 2);
}

TEST_CASE("quiz bad usage: exit 2, nothing on stdout, one clear line on stderr, nothing recorded") {
    const TempHome home;
    struct Case {
        std::vector<std::string> args;
        std::string says;
    };
    const std::vector<Case> cases{
        {{"quiz", "9"}, "there is no lesson 9; lessons are 1 to"},
        {{"quiz", "0"}, "there is no lesson 0"},
        {{"quiz", "-1"}, "-1"},
        {{"quiz", "abc"}, "abc"},
        {{"quiz", "1", "--answers", "a,b"},
         "--answers gives 2 answers but lesson 1's quiz has 9 questions"},
        {{"quiz", "1", "--answers", "a,a,a,a,a,a,a,a,a,a"}, "--answers gives 10 answers"},
        {{"quiz", "1", "--answers", ""}, "--answers gives 1 answer but"},
        {{"quiz", "1", "--answers", "a,-1,-1,a+b,a,a,a,A>B>C,a"},
         "answer 4 ('a+b'): this question has one right answer"},
        {{"quiz", "1", "--answers", "a,x,a,a,a,a,a,A>B>C,a"}, "answer 2 ('x'): type a number"},
        {{"quiz", "1", "--answers", "a,0.3,0.3,a,a,a,d,A>B>C,a"},
         "answer 7 ('d'): 'd' is not one of the choices: type a letter from a to c"},
        {{"quiz", "1", "--answers", "a,0.3 m,0.3,a,a,a,a,A>B>C,a"}, "answer 2 ('0.3 m')"},
        {{"quiz", "1", "--answers", "a,,0.3,a,a,a,a,A>B>C,a"}, "answer 2 ('')"},
        {{"quiz", "1", "--seed", "x"}, "--seed"},
        {{"quiz", "1", "--frob"}, "--frob"},
        {{"progress", "--yes"}, "--yes"},
        {{"progress", "--reset"}, "confirm it on a terminal, or add --yes"},
    };
    for (const Case& c : cases) {
        CAPTURE(c.args);
        const SpawnResult r = launch(c.args, {home.env()});
        CHECK(r.exit_code == 2);
        CHECK(r.out.empty());
        CHECK(lines(r.err) == 1);
        CHECK(r.err.rfind("asynclab: ", 0) == 0);
        CHECK_MESSAGE(r.err.find(c.says) != std::string::npos, r.err);
    }
    CHECK(!std::filesystem::exists(home.file()));
}

TEST_CASE("quiz --help and progress --help document the answer syntax and the pass mark") {
    const SpawnResult quiz = launch({"quiz", "--help"});
    CHECK(quiz.exit_code == 0);
    CHECK(quiz.out.find("a+c") != std::string::npos);
    CHECK(quiz.out.find("80%") != std::string::npos);
    const SpawnResult progress = launch({"progress", "--help"});
    CHECK(progress.exit_code == 0);
    CHECK(progress.out.find("--reset") != std::string::npos);
}
