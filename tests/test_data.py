import numpy as np

import mnist_data


def test_official_split_uint8():
    X_train, y_train, X_valid, y_valid, X_test, y_test = mnist_data.load_mnist()
    assert (X_train.shape, X_valid.shape, X_test.shape) == ((55000, 784), (5000, 784), (10000, 784))
    assert X_train.dtype == np.uint8 and y_test.shape == (10000,)
    assert np.bincount(y_test).tolist() == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]


def test_to_float_scales_to_minus_one_one():
    x = mnist_data.to_float(np.array([[0, 255, 128]], dtype=np.uint8))
    assert x.dtype == np.float32
    assert np.allclose(x, [[-1, 1, 128 / 127.5 - 1]], atol=1e-6)


def test_graders_scaling_is_the_notebooks():
    """The student's process scales minibatches with its own copy of to_float (sandbox/worker.py)."""
    import sys
    from pathlib import Path
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "autograder" / "sandbox"))
    import worker

    pixels = np.arange(256, dtype=np.uint8).reshape(16, 16)
    assert np.array_equal(worker.Server.to_float(pixels), mnist_data.to_float(pixels))


def test_download_writes_keras_layout(tmp_path, monkeypatch):
    """The download path (OpenML via scikit-learn) without a network: fetch_openml is faked."""
    import sklearn.datasets
    X = np.arange(70000 * 784, dtype=np.int64).reshape(70000, 784) % 256
    y = (np.arange(70000) % 10).astype(str)
    monkeypatch.setattr(sklearn.datasets, "fetch_openml", lambda *a, **k: (X.astype(float), y))
    path = mnist_data.download(tmp_path / "mnist.npz")
    data = mnist_data.load_mnist(path)
    assert data[0].dtype == np.uint8 and data[4].shape == (10000, 784)
    assert data[5][:3].tolist() == [0, 1, 2]
