"""Case kinds: CS231n's conventions, known once (trusted side, shipped with
the public cases).

A kind names what a student writes -- a function, a layer's forward/backward
pair, a loss, a model class -- and makes the cases that judge it.  Every
kind can make a case of any role from a plan builder and a check:

    kind.example(name, plan, out, rule)    fixed inputs, known answer
    kind.reference(name, plan, rule)       fresh inputs, against the reference
    kind.property(name, plan, check)       judged by a property
    kind.self_check(name, plan, check)     two of the student's functions agree
    kind.source(name, rule, plan)          a rule on the code itself (no loops)
    kind.leaves_inputs(name, inputs, ...)  right output, and the inputs left as they were

where plan(rng) returns the steps (see `plan`), or (steps, given).  The
layer, loss and model kinds add the cases CS231n's notebooks make again and
again (a forward pass, a backward pass against the reference or against
numerical gradients), so that a new layer takes a few lines:

    leaky = Layer("cs231n.layers", "leaky_relu_forward", "leaky_relu_backward", x=(4, 5), params=(0.1,))
    CASES = [leaky.forward("leaky_relu_forward_random"), leaky.backward("leaky_relu_backward_random")]
"""
import numpy as np

from grader.public.compare import all_of, close, depends_on_input, each, equals_data, matches_reference, unchanged
from grader.public.numeric import matches_numeric, nudged_calls, sample_entries
from grader.public.plan import Call, Let, Like, Ref, Save
from grader.public.suite import Case


def _seed(rng):
    """A seed for a value the worker draws (`Like`), itself drawn from the case's rng."""
    return int(rng.integers(2**31))


class Kind:
    """What a student implements (`function`, as feedback names it) and where
    it lives (`target`: "pkg.module:Name" or "notebook.ipynb:function")."""

    def __init__(self, target, function=None):
        self.target = target
        self.function = function or target.split(":", 1)[1]

    def case(self, name, role, plan, check, points=1, **options):
        return Case(name, points, options.pop("function", self.function), options.pop("target", self.target),
                    role, plan, check, **options)

    def example(self, name, plan, out, rule=None, key="out", **options):
        return self.case(name, "example", plan, equals_data(out, rule or close(), key), **options)

    def reference(self, name, plan, rule=None, keys=(), **options):
        return self.case(name, "reference", plan, matches_reference(rule or close(), *keys), **options)

    def property(self, name, plan, check, **options):
        return self.case(name, "property", plan, check, **options)

    def self_check(self, name, plan, check, **options):
        return self.case(name, "self-check", plan, check, **options)

    def source(self, name, rule, plan, **options):
        """A requirement on the code itself (`rule`, e.g. `no_loops(...)`) as a
        case of its own, so that it costs only what it checks, and wrong
        values cost the value cases alone.  `plan(rng)` calls the function on
        two different inputs, saved as "first" and "second": code that raises
        (the released stub) or returns a constant is not written yet, and
        earns nothing for having no loops."""
        return self.case(name, "property", plan, depends_on_input, source_rule=rule, **options)

    def leaves_inputs(self, name, inputs, rule=None, check=None, pick=(), **options):
        """The function called on inputs(rng) -- an {argument: value} dict in
        call order, or (that dict, more values for `check`) -- with every
        array argument kept in the worker and sent back after the call as
        "<argument>_after".  It passes when none of them changed and the
        output is right: against the reference (`rule`), or by the property
        `check` where the output is random.  Asking for the right output too
        means that a stub or a constant earns nothing for leaving x alone."""
        def plan(rng):
            values, more = _with_given(inputs(rng))
            watched = [arg for arg, value in values.items() if isinstance(value, np.ndarray)]
            arguments = [Ref(arg) if arg in watched else value for arg, value in values.items()]
            return ([*[Let(arg, values[arg]) for arg in watched],
                     Call(self.target, *arguments, save="out", pick=pick),
                     *[Save(f"{arg}_after", Ref(arg)) for arg in watched]],
                    {**values, **more, "watched": watched})
        options.setdefault("hint", LEAVES_INPUTS_HINT)
        if check is None:
            return self.case(name, "reference", plan, all_of(matches_reference(rule or close()), unchanged()),
                             **options)
        return self.case(name, "property", plan, all_of(check, unchanged()), **options)


# What a "leaves its inputs" case says when it fails: the verdict itself says
# which input changed and how to avoid it, or that the output is wrong.
LEAVES_INPUTS_HINT = ("This case checks the output as well as the inputs: when the output is wrong, this "
                      "function's other cases say more; when an input changed, compute the result in a new array.")


def _with_given(built):
    """(values, more given) from what an inputs(rng) builder returned."""
    return built if isinstance(built, tuple) else (built, {})


class Function(Kind):
    """A plain function, `Function("cs231n.classifiers.softmax", "softmax_loss_naive")`."""

    def __init__(self, module, name, function=None):
        super().__init__(f"{module}:{name}", function)

    def call(self, *args, save="out", **kwargs):
        """The step that calls it and saves its result as `save`."""
        return Call(self.target, *args, save=save, **kwargs)


class Loss(Function):
    """A function returning (loss, gradient of its first argument), as the
    linear classifiers' losses (W, X, y, reg) and the loss layers (x, y) do."""

    def gradient_check(self, name, inputs, role="self-check", entries=8, gradient="dW", **options):
        """The loss at its first argument nudged by +-h in `entries` sampled
        places, against the gradient it returns; inputs(rng) -> the arguments."""
        def plan(rng):
            first, *rest = inputs(rng)
            evaluate = lambda nudged, save: [Call(self.target, nudged, *rest, save=save, pick=(0,))]
            sampled = sample_entries(rng, first.shape, entries)
            return ([Call(self.target, first, *rest, save="analytic", pick=(1,)),
                     *nudged_calls(evaluate, first, sampled)], {"entries": {"": sampled}})
        return self.case(name, role, plan, matches_numeric(names={"": gradient}), **options)


class Layer(Kind):
    """A layer as CS231n writes one: forward(*inputs, *params) -> (out, cache)
    and backward(dout, cache) -> the gradient of each input, in order (one
    array for one input, else a tuple such as (dx, dw, db)).

    `shapes` (keyword arguments, in the forward's order) are the array
    inputs and their default shapes; `params` are the arguments after them
    (e.g. a conv_param dict).  Each case may give other shapes or params.
    The upstream gradient is drawn in the worker, shaped like the forward's
    output (`plan.Like`), so no case needs to know that shape.
    """

    def __init__(self, module, forward, backward, params=(), **shapes):
        super().__init__(f"{module}:{forward}")
        self.backward_target = f"{module}:{backward}"
        self.backward_function = backward
        self.params, self.shapes = tuple(params), shapes

    def _inputs(self, rng, shapes, draw=None):
        """The array inputs, drawn by draw(rng, shape) (default standard normal)."""
        merged, draw = {**self.shapes, **shapes}, draw or (lambda rng, shape: rng.normal(size=shape))
        return [draw(rng, merged[name]) for name in self.shapes]

    def gradients_rule(self, rule=None):
        """How backward's result is compared: one rule per input, named dx, dw, ..."""
        rule = rule or close()
        names = [f"d{name}" for name in self.shapes]
        if len(names) == 1:
            return lambda got, expected, what=None: rule(got, expected, names[0])
        return each(*[rule] * len(names), names=names)

    def example(self, name, inputs, out, rule=None, params=None, **options):
        plan = lambda rng: [Call(self.target, *inputs, *(self.params if params is None else params), save="out",
                                 pick=(0,))]
        return super().example(name, plan, out, rule, **options)

    def forward(self, name, rule=None, params=None, draw=None, **shapes_and_options):
        """forward's output against the reference's; draw(rng, shape) makes the inputs."""
        shapes, options = self._split(shapes_and_options)
        plan = lambda rng: [Call(self.target, *self._inputs(rng, shapes, draw), *self._params(params), save="out",
                                 pick=(0,))]
        return self.reference(name, plan, rule, **options)

    def backward(self, name, rule=None, params=None, draw=None, **shapes_and_options):
        """backward's gradients, through the student's own forward cache, against the reference's."""
        shapes, options = self._split(shapes_and_options)
        plan = lambda rng: self._backward_steps(rng, shapes, params, draw)
        return self.reference(name, plan, self.gradients_rule(rule), **self._of_backward(options))

    def leaves_inputs(self, name, rule=None, params=None, **shapes_and_options):
        """forward's output against the reference's, and its array inputs as they were after it."""
        shapes, options = self._split(shapes_and_options)

        def inputs(rng):
            values = dict(zip(self.shapes, self._inputs(rng, shapes)))
            return {**values, **{f"param{i}": p for i, p in enumerate(self._params(params))}}
        return super().leaves_inputs(name, inputs, rule, pick=(0,), **options)

    def backward_leaves_dout(self, name, rule=None, params=None, **shapes_and_options):
        """backward's gradients against the reference's, and the upstream gradient dout as it was after it."""
        shapes, options = self._split(shapes_and_options)
        plan = lambda rng: (self._backward_steps(rng, shapes, params) + [Save("dout_after", Ref("dout"))],
                            {"watched": ["dout"]})
        check = all_of(matches_reference(self.gradients_rule(rule)), unchanged())
        return self.case(name, "reference", plan, check, **self._of_backward({"hint": LEAVES_INPUTS_HINT, **options}))

    def _backward_steps(self, rng, shapes, params, draw=None):
        """forward (kept), an upstream gradient shaped like its output, backward on the forward's cache."""
        return [Call(self.target, *self._inputs(rng, shapes, draw), *self._params(params), keep="forward"),
                Let("dout", Like("forward", 0, seed=_seed(rng))),
                Call(self.backward_target, Ref("dout"), Ref("forward", 1), save="out")]

    def _of_backward(self, options):
        """Case options naming backward as the function judged (unless they name another)."""
        return {"function": self.backward_function, "target": self.backward_target, **options}

    def gradient_check(self, name, role="self-check", entries=6, params=None, **shapes_and_options):
        """backward's gradients against centred differences of forward, each
        input nudged in `entries` sampled places."""
        shapes, options = self._split(shapes_and_options)
        names = list(self.shapes)

        def plan(rng):
            inputs, extra = self._inputs(rng, shapes), self._params(params)
            dout = Like("forward", 0, seed=_seed(rng))
            steps = [Call(self.target, *inputs, *extra, keep="forward"), Let("dout", dout),
                     Call(self.backward_target, Ref("dout"), Ref("forward", 1), keep="grads")]
            given = {"entries": {}, "upstream": {}}
            for position, x in enumerate(inputs):
                prefix = f"input{position}_"
                steps.append(Save(prefix + "analytic", Ref("grads", position) if len(inputs) > 1 else Ref("grads")))

                def evaluate(nudged, save, position=position):
                    arguments = list(inputs)
                    arguments[position] = nudged
                    return [Call(self.target, *arguments, *extra, save=save, pick=(0,))]
                given["entries"][prefix] = sample_entries(rng, x.shape, entries)
                steps += nudged_calls(evaluate, x, given["entries"][prefix], prefix)
                given["upstream"][prefix] = dout
            return steps, given
        prefixes = tuple(f"input{i}_" for i in range(len(names)))
        check = matches_numeric(prefixes, names={p: f"d{n}" for p, n in zip(prefixes, names)})
        return self.case(name, role, plan, check, **self._of_backward(options))

    def _params(self, params):
        return self.params if params is None else tuple(params)

    def _split(self, given):
        """Keyword arguments that name an input are shapes; the rest are case options."""
        return ({k: v for k, v in given.items() if k in self.shapes},
                {k: v for k, v in given.items() if k not in self.shapes})


class Model(Kind):
    """A class the student completes: constructed with `init` keyword
    arguments, then its methods called (`steps`).  `Model(...).method(name)`
    is the kind for one of its methods, as feedback names it."""

    def __init__(self, target, function=None, **init):
        super().__init__(target, function or target.split(":", 1)[1])
        self.init = init

    def method(self, name):
        return Model(self.target, f"{self.function}.{name}", **self.init)

    def steps(self, *calls, init=None):
        """Construct the model (kept as "model"), then make `calls`: each a
        `Call` whose function is a method name, made on the model."""
        kwargs = self.init if init is None else init
        return [Call(self.target, keep="model", **kwargs),
                *[Call(c.function, *c.args, on="model", keep=c.keep, save=c.save, pick=c.pick, **c.kwargs)
                  for c in calls]]

    def set(self, attribute, value):
        """The call that sets `model.attribute = value`."""
        return Call("__setattr__", attribute, value)

    def get(self, attribute, save):
        """The call that reads `model.attribute` and saves it."""
        return Call("__getattribute__", attribute, save=save)

    def gradient_check(self, name, inputs, entries=4, role="self-check", init=None, **options):
        """loss(X, y)'s grads against centred differences of its loss, each
        parameter nudged in `entries` places; inputs(rng) -> (params, X, y)."""
        def plan(rng):
            values, X, y = inputs(rng)
            calls, sampled = [], {}
            for key, value in values.items():
                calls += [self.set("params", values), Call("loss", X, y, save=f"{key}_analytic", pick=(1, key))]

                def evaluate(nudged, save, key=key):
                    return [self.set("params", {**values, key: nudged}), Call("loss", X, y, save=save, pick=(0,))]
                sampled[f"{key}_"] = sample_entries(rng, value.shape, entries)
                calls += nudged_calls(evaluate, value, sampled[f"{key}_"], f"{key}_")
            return self.steps(*calls, init=init), {"entries": sampled}
        prefixes = tuple(f"{key}_" for key in options.pop("params"))
        check = matches_numeric(prefixes, names={p: f"grads[{p[:-1]!r}]" for p in prefixes})
        return self.case(name, role, plan, check, **options)



class SavedModel(Kind):
    """A model the student trained and saved from a notebook: the arrays of
    `saved` (a `saved.SavedArrays`), loaded into the REFERENCE solution's
    `target` class (constructed with `init`) and scored on held-out data.

    The file is read on the trusted side (`SavedArrays.read`); the reference
    model runs in a worker rooted at the reference solution, given the
    student's arrays as plain data: the student's code takes no part.
    `load(arrays) -> [Call, ...]` puts the arrays into the model (default:
    `model.params = arrays`); `data() -> (X, y, size)` is the held-out data,
    `size` naming which threshold applies ("full" or "subset", see `heldout`).

        fc = SavedModel(SavedArrays("cs231n/saved/best_fc_net.npz", (("W1", (3072, 100)), ...)),
                        "cs231n.classifiers.fc_net:FullyConnectedNet", init={"hidden_dims": [100]})
        CASES = [fc.loads("fc_net_saved")]                               # public.py: a self-check
        CASES = [fc.accuracy("fc_net_accuracy_50", {"full": 0.5, "subset": 0.3})]   # hidden.py
    """

    def __init__(self, saved, target, init=None, load=None, data=None, function=None):
        super().__init__(target, function or f"{saved.path.rsplit('/', 1)[-1]} (trained model)")
        self.saved, self.init = saved, dict(init or {})
        self.load = load or (lambda arrays: [Call("__setattr__", "params", arrays)])
        if data is None:
            from grader.public import heldout
            data = heldout.cifar10
        self.data = data

    def loads(self, name, **options):
        """Public self-check: the file is there and holds the architecture's arrays."""
        return self.case(name, "self-check", None, None, saved=SavedCheck(self, None), **options)

    def accuracy(self, name, threshold, points=1, **options):
        """Graded: the reference model with the student's arrays reaches
        `threshold` ({size: fraction}) on the held-out data."""
        return self.case(name, "property", None, None, points=points, saved=SavedCheck(self, dict(threshold)),
                         **options)

    def plan(self, arrays, X):
        return [Call(self.target, keep="model", **self.init),
                *[Call(c.function, *c.args, on="model", **c.kwargs) for c in self.load(arrays)],
                Call("loss", X, on="model", save="scores")]


class SavedCheck:
    """What a saved-model case checks (a Case's `saved`): judge(root, run_reference, memo) -> Verdict.
    `run_reference(wire, timeout)` runs a plan on the reference solution; `memo` (one per
    submission) keeps one evaluation for the several thresholds of one file."""

    def __init__(self, model, threshold):
        self.model, self.threshold = model, threshold

    @property
    def path(self):
        return self.model.saved.path

    def prepare(self):
        """Load the held-out data now (a grading run calls this before any submission)."""
        if self.threshold is not None:
            self.model.data()

    def judge(self, root, run_reference=None, memo=None):
        from grader.public.compare import PASS, Verdict
        from grader.public.plan import to_wire
        memo = {} if memo is None else memo
        key = (self.model.saved.path, self.model.target)
        if key not in memo:
            arrays = self.model.saved.read(root)
            if isinstance(arrays, Verdict) or self.threshold is None:
                memo[key] = arrays
            elif run_reference is None:
                memo[key] = Verdict(False, "a trained model is scored only when grading (it needs the reference)")
            else:
                X, y, size = self.model.data()
                outputs = run_reference(to_wire(self.model.plan(arrays, X)), 60.0)
                if isinstance(outputs, Verdict):
                    memo[key] = outputs
                else:
                    scores = np.asarray(outputs["scores"], dtype=float)
                    memo[key] = (float(np.mean(np.argmax(scores, axis=1) == y)), size, len(y))
        result = memo[key]
        if isinstance(result, Verdict) or self.threshold is None:
            return PASS if self.threshold is None and not isinstance(result, Verdict) else result
        accuracy, size, count = result
        needed = self.threshold[size]
        if accuracy >= needed:
            return PASS
        return Verdict(False, f"your saved model classifies {accuracy:.1%} of {count} held-out test images "
                              f"correctly; this case needs {needed:.0%} ({size} data set)")
