import mnist_data
import numpy as np

from autograder import data
from autograder.sandbox import npz


def test_official_split_uint8():
    X_train, y_train, X_valid, y_valid, X_test, y_test = mnist_data.load_mnist()
    assert (X_train.shape, X_valid.shape, X_test.shape) == ((55000, 784), (5000, 784), (10000, 784))
    assert X_train.dtype == np.uint8 and y_test.shape == (10000,)
    assert np.bincount(y_test).tolist() == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]


def test_to_float_scales_to_minus_one_one():
    x = mnist_data.to_float(np.array([[0, 255, 128]], dtype=np.uint8))
    assert x.dtype == np.float32
    assert np.allclose(x, [[-1, 1, 128 / 127.5 - 1]], atol=1e-6)


def test_the_sandboxs_copy_holds_no_test_set(layout):
    with np.load(layout.student_mnist) as student, np.load(layout.test_mnist) as test:
        assert (student["x_test"] == student["x_train"][data.STAND_IN]).all()
        assert not any((test["x_test"][:100] == student["x_test"][i]).all(axis=(1, 2)).any() for i in range(100))
    assert data.test_labels(layout).shape == (10000,) and data.train_labels(layout).shape == (55000,)


def test_npz_members_are_read_in_place(layout):
    x = npz.member(layout.student_mnist, "x_train")
    assert isinstance(x, np.memmap) and x.shape == (60000, 28, 28)
    with np.load(layout.student_mnist) as d:
        assert (x[123] == d["x_train"][123]).all()


def test_download_writes_keras_layout(tmp_path, monkeypatch):
    """The download path (OpenML via scikit-learn) without a network: fetch_openml is faked."""
    import sklearn.datasets

    X = np.arange(70000 * 784, dtype=np.int64).reshape(70000, 784) % 256
    y = (np.arange(70000) % 10).astype(str)
    monkeypatch.setattr(sklearn.datasets, "fetch_openml", lambda *a, **k: (X.astype(float), y))
    path = mnist_data.download(tmp_path / "mnist.npz")
    loaded = mnist_data.load_mnist(path)
    assert loaded[0].dtype == np.uint8 and loaded[4].shape == (10000, 784)
    assert loaded[5][:3].tolist() == [0, 1, 2]
